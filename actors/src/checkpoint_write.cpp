// Writing a checkpoint: files under a partial directory, each synced, then one rename.
#include <troupe/actors/checkpoint.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <unistd.h>
#include <utility>

#include "internal/checkpoint_manifest.hpp"
#include "internal/output_file.hpp"
#include "internal/sha256.hpp"

namespace troupe::actors {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view space_advice = "check free space and permissions";

// Hashing a chunk just before writing it reads it while it is still in the cache.
constexpr std::size_t chunk_bytes = std::size_t{4} << 20;

class file_descriptor {
public:
  explicit file_descriptor(int fd) noexcept
    : fd_(fd) {
  }
  file_descriptor(const file_descriptor&) = delete;
  file_descriptor& operator=(const file_descriptor&) = delete;
  ~file_descriptor() {
    if (fd_ >= 0)
      ::close(fd_);
  }

  [[nodiscard]] int get() const noexcept {
    return fd_;
  }

  // close(2) reports some write errors (NFS): they count.
  int close() noexcept {
    int fd = std::exchange(fd_, -1);
    return fd >= 0 && ::close(fd) != 0 ? errno : 0;
  }

private:
  int fd_;
};

// A file written but not yet synced: its descriptor stays open so that `finish` sees any
// write-back error.
struct unsynced_file {
  explicit unsynced_file(fs::path file)
    : path(std::move(file))
    , fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) {
  }

  fs::path path;
  file_descriptor fd;
  part_record record;
};

result<void> finish(unsynced_file& file) {
  if (::fsync(file.fd.get()) != 0)
    return detail::io_error("cannot sync checkpoint file", file.path, errno, space_advice);
  if (int err = file.fd.close(); err != 0)
    return detail::io_error("cannot close checkpoint file", file.path, err, space_advice);
  return {};
}

// Writes and hashes `bytes` into a new `file` and starts its write-back without waiting for
// it: the disk works on one file while the next is hashed and copied.
result<std::unique_ptr<unsynced_file>> start_file(const fs::path& file,
                                                  std::span<const char> bytes) {
  auto out = std::make_unique<unsynced_file>(file);
  if (out->fd.get() < 0)
    return detail::io_error("cannot create checkpoint file", file, errno, space_advice);
  detail::sha256 digest;
  for (std::size_t done = 0; done < bytes.size();) {
    auto chunk = bytes.subspan(done, std::min(chunk_bytes, bytes.size() - done));
    digest.update(chunk);
    for (std::size_t off = 0; off < chunk.size();) {
      auto n = ::write(out->fd.get(), chunk.data() + off, chunk.size() - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return detail::io_error("cannot write checkpoint file", file, n < 0 ? errno : EIO,
                                space_advice);
      off += static_cast<std::size_t>(n);
    }
    done += chunk.size();
  }
  // Only a hint: `finish` syncs whether or not write-back started here.
  ::sync_file_range(out->fd.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
  out->record = part_record{bytes.size(), digest.hex()};
  return out;
}

// Files written and synced one window at a time: write-back overlaps the writing of the next
// files, and the open descriptors stay few however many parts there are.
class file_batch {
public:
  result<part_record> add(const fs::path& file, std::span<const char> bytes) {
    if (pending_.size() == window) {
      if (auto synced = finish(*pending_.front()); !synced)
        return synced.error();
      pending_.erase(pending_.begin());
    }
    auto started = start_file(file, bytes);
    if (!started)
      return started.error();
    pending_.push_back(std::move(*started));
    return pending_.back()->record;
  }

  result<void> finish_all() {
    for (auto& file : pending_)
      if (auto synced = finish(*file); !synced)
        return synced;
    pending_.clear();
    return {};
  }

private:
  static constexpr std::size_t window = 16;
  std::vector<std::unique_ptr<unsynced_file>> pending_;
};

// A rename or a new entry is durable only once its directory is synced.
result<void> sync_directory(const fs::path& dir) {
  file_descriptor fd{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (fd.get() < 0 || ::fsync(fd.get()) != 0)
    return detail::io_error("cannot sync checkpoint directory", dir, errno, space_advice);
  return {};
}

result<void> remove_tree(const fs::path& path, std::string_view what) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec)
    return detail::io_error(what, path, ec.value(),
                            "remove it by hand, or check the directory's permissions");
  return {};
}

// Partial directories are what earlier writes left when cut short: only one write runs in a
// directory at a time, so none of them is still being written.
result<void> remove_partials(const fs::path& dir) {
  auto listing = detail::list_directory(dir);
  if (!listing)
    return listing.error();
  for (const auto& partial : listing->partials)
    if (auto removed = remove_tree(partial, "cannot remove an unfinished checkpoint"); !removed)
      return removed;
  return {};
}

result<void> keep_newest(const fs::path& dir, std::int64_t written) {
  auto listing = detail::list_directory(dir);
  if (!listing)
    return listing.error();
  std::optional<std::int64_t> previous;
  for (const auto& [step, path] : listing->checkpoints)
    if (step < written && (!previous || step > *previous))
      previous = step;
  static_assert(checkpoints_kept == 2, "keep_newest keeps the new checkpoint and one before");
  for (const auto& [step, path] : listing->checkpoints)
    if (step != written && step != previous)
      if (auto removed = remove_tree(path, "cannot remove old checkpoint"); !removed)
        return removed;
  return {};
}

// RENAME_EXCHANGE swaps in a rewrite of an existing step atomically; the old one is then
// removed under the partial name.
result<void> move_into_place(const fs::path& partial, const fs::path& final_path) {
  std::error_code ec;
  bool replacing = fs::exists(final_path, ec);
  int rc = replacing ? ::renameat2(AT_FDCWD, partial.c_str(), AT_FDCWD, final_path.c_str(),
                                   RENAME_EXCHANGE)
                     : ::rename(partial.c_str(), final_path.c_str());
  if (rc != 0)
    return detail::io_error("cannot rename a finished checkpoint into place as", final_path, errno,
                            "check that you may write into its directory");
  if (replacing)
    return remove_tree(partial, "cannot remove the checkpoint it replaced");
  return {};
}

result<fs::path> write_all(const fs::path& dir, const fs::path& partial,
                           const checkpoint_info& info, std::span<const part_bytes> parts) {
  std::error_code ec;
  if (!fs::create_directory(partial, ec) || ec)
    return detail::io_error("cannot create checkpoint directory", partial, ec ? ec.value() : EEXIST,
                            space_advice);
  std::vector<part_record> records;
  records.reserve(parts.size());
  file_batch files;
  for (std::size_t rank = 0; rank < parts.size(); ++rank) {
    auto record = files.add(partial / detail::part_file_name(rank), parts[rank]);
    if (!record)
      return record.error();
    records.push_back(std::move(*record));
  }
  auto text = detail::format_manifest(info, records);
  if (!text)
    return text.error();
  if (auto written = files.add(partial / "manifest", *text); !written)
    return written.error();
  if (auto synced = files.finish_all(); !synced)
    return synced.error();
  if (auto synced = sync_directory(partial); !synced)
    return synced.error();
  auto final_path = checkpoint_path(dir, info.step);
  if (auto moved = move_into_place(partial, final_path); !moved)
    return moved.error();
  if (auto synced = sync_directory(dir); !synced)
    return synced.error();
  return final_path;
}

} // namespace

result<void> make_checkpoint_dir(const fs::path& dir) {
  return detail::make_directory(dir);
}

fs::path checkpoint_path(const fs::path& dir, std::int64_t step) {
  return dir / detail::step_dir_name(step);
}

result<fs::path> write_checkpoint(const fs::path& dir, const checkpoint_info& info,
                                  std::span<const part_bytes> parts) {
  // Checked before touching the disk: a bad `info` must not cost the previous checkpoints.
  std::vector<part_record> probe(parts.size());
  if (auto text = detail::format_manifest(info, probe); !text)
    return text.error();
  if (auto made = detail::make_directory(dir); !made)
    return made.error();
  if (auto removed = remove_partials(dir); !removed)
    return removed.error();
  auto partial = dir / ("." + detail::step_dir_name(info.step) + ".partial");
  auto written = write_all(dir, partial, info, parts);
  if (!written) {
    std::error_code ec;
    fs::remove_all(partial, ec);
    return written;
  }
  if (auto kept = keep_newest(dir, info.step); !kept)
    return troupe::error{kept.error().code(), "checkpoint '" + written->string() +
                                                  "' written, but " + kept.error().message()};
  return written;
}

} // namespace troupe::actors
