// Reading checkpoints back: nothing is trusted before its size and checksum are checked.
#include <troupe/actors/checkpoint.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>

#include "internal/checkpoint_manifest.hpp"
#include "internal/output_file.hpp"
#include "internal/sha256.hpp"

namespace troupe::actors {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t chunk_bytes = std::size_t{4} << 20;

// What is wrong with one part file (its name first), or nothing. Streams the file through the
// digest so that verifying a large part does not hold it in memory.
std::optional<std::string> part_problem(const fs::path& file, const part_record& record) {
  auto name = file.filename().string();
  std::ifstream in{file, std::ios::binary};
  if (!in)
    return name + (errno == ENOENT ? std::string{" missing"}
                                   : " cannot be read: " + std::string{std::strerror(errno)});
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec || size != record.size)
    return name + " has " + (ec ? "an unknown number of" : std::to_string(size)) +
           " bytes, the manifest says " + std::to_string(record.size) + " (truncated?)";
  detail::sha256 digest;
  std::vector<char> chunk(std::min<std::uint64_t>(chunk_bytes, std::max<std::uint64_t>(size, 1)));
  std::uint64_t total = 0;
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    auto got = static_cast<std::size_t>(in.gcount());
    digest.update({chunk.data(), got});
    total += got;
  }
  if (in.bad() || total != record.size)
    return name + " could not be read to its end";
  if (digest.hex() != record.sha256)
    return name + " checksum mismatch";
  return std::nullopt;
}

result<std::string> slurp(const fs::path& file) {
  std::ifstream in{file, std::ios::binary};
  if (!in)
    return detail::bad_checkpoint(errno == ENOENT ? std::string{"manifest missing"}
                                                  : "manifest cannot be read: " +
                                                        std::string{std::strerror(errno)});
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  if (in.bad())
    return detail::bad_checkpoint("manifest could not be read to its end");
  return text;
}

// What `path` holds once verified, or one line saying all that is wrong with it (without
// naming it: the caller does).
result<detail::manifest> verify(const fs::path& path, std::string_view program) {
  auto text = slurp(path / "manifest");
  if (!text)
    return text.error();
  auto parsed = detail::parse_manifest(*text);
  if (!parsed)
    return parsed.error();
  if (parsed->info.program != program)
    return detail::bad_checkpoint("manifest is of program '" + parsed->info.program + "', not '" +
                                  std::string{program} + "'");
  std::string problems;
  for (std::size_t rank = 0; rank < parsed->parts.size(); ++rank)
    if (auto problem = part_problem(path / detail::part_file_name(rank), parsed->parts[rank]))
      problems += (problems.empty() ? "" : "; ") + *problem;
  if (!problems.empty())
    return detail::bad_checkpoint(std::move(problems));
  return parsed;
}

} // namespace

checkpoint::checkpoint(fs::path path, checkpoint_info info, std::vector<part_record> parts)
  : path_(std::move(path))
  , info_(std::move(info))
  , parts_(std::move(parts)) {
}

result<checkpoint> checkpoint::open(fs::path path, std::string_view program) {
  auto found = verify(path, program);
  if (!found)
    return detail::bad_checkpoint("checkpoint '" + path.string() + "': " + found.error().message());
  return checkpoint{std::move(path), std::move(found->info), std::move(found->parts)};
}

result<part_bytes> checkpoint::read_part(std::size_t rank) const {
  if (rank >= parts_.size())
    return detail::invalid_argument("checkpoint '" + path_.string() + "' has " +
                                    std::to_string(parts_.size()) + " parts, no part " +
                                    std::to_string(rank));
  auto file = path_ / detail::part_file_name(rank);
  const auto& record = parts_[rank];
  part_bytes bytes(record.size);
  std::ifstream in{file, std::ios::binary};
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bool whole = in && static_cast<std::uint64_t>(in.gcount()) == record.size &&
               in.peek() == std::ifstream::traits_type::eof();
  if (!whole || detail::sha256_hex(bytes) != record.sha256)
    return detail::bad_checkpoint(
        "checkpoint file '" + file.string() +
        "' changed since its checkpoint was verified (size or checksum); restart again to use "
        "the newest checkpoint still valid");
  return bytes;
}

result<void> checkpoint::check_layout(std::string_view layout, std::size_t parts) const {
  if (layout == info_.layout && parts == parts_.size())
    return {};
  return detail::invalid_argument(
      "checkpoint '" + (path_ / "manifest").string() + "' was written for layout '" + info_.layout +
      "' in " + std::to_string(parts_.size()) + " parts, this run has '" + std::string{layout} +
      "' in " + std::to_string(parts) +
      " parts; restart with the layout it was written for, or start a new run without "
      "restarting");
}

result<checkpoint> find_latest(const fs::path& dir, std::string_view program,
                               const checkpoint_warning& warn) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return detail::io_error("no checkpoint directory", dir, ec ? ec.value() : ENOTDIR,
                            "give the directory a run wrote its checkpoints into, or start a "
                            "new run without restarting");
  auto listing = detail::list_directory(dir);
  if (!listing)
    return listing.error();
  const auto& found = listing->checkpoints;
  if (found.empty())
    return troupe::error{std::make_error_code(std::errc::no_such_file_or_directory),
                         "no checkpoint in '" + dir.string() +
                             "' (no step_N directory); give the directory a run wrote its "
                             "checkpoints into, or start a new run without restarting"};
  std::string reasons;
  // Passed over in favour of an older one: worth a warning; with none valid, the error says it.
  std::vector<std::string> skipped;
  for (const auto& [step, path] : found) {
    auto verified = verify(path, program);
    if (verified) {
      for (const auto& line : skipped)
        if (warn)
          warn(line);
        else
          std::cerr << program << ": warning: " << line << std::endl;
      return checkpoint{path, std::move(verified->info), std::move(verified->parts)};
    }
    skipped.push_back("checkpoint '" + path.string() + "' skipped: " + verified.error().message());
    reasons += (reasons.empty() ? "" : "; ") + path.filename().string() + ": " +
               verified.error().message();
  }
  return detail::bad_checkpoint("no valid checkpoint of '" + std::string{program} + "' in '" +
                                dir.string() + "': " + reasons +
                                "; start a new run without restarting, or restart from another "
                                "directory");
}

} // namespace troupe::actors
