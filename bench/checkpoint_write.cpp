// checkpoint_write: what a checkpoint costs. P parts of N×N doubles (heat2d tiles) are written
// as a checkpoint (SHA-256 of each file, every file and directory fsync'd, renamed into place,
// older ones pruned) beside the same bytes written with std::ofstream ("raw", no sync, what a
// program that does not care about crashes would do) and with write(2) + fsync per file
// ("raw-fsync", the same durability without checksums or manifest), alternated. Also: how long
// checkpoint_writer::start blocks its caller (the step loop) while its thread writes (wall
// time, and the caller's CPU time in it), and the
// cost of turning the parts' states into bytes with bulk beside CAF's own std::vector<double>.
// Report-only (no goal); figures in docs/PERFORMANCE.md.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <caf/binary_serializer.hpp>

#include <troupe/actors/checkpoint.hpp>
#include <troupe/actors/checkpoint_writer.hpp>

#include "common/bench.hpp"

namespace fs = std::filesystem;
using troupe::actors::part_bytes;

namespace {

struct tile_state {
  std::int64_t step = 0;
  Eigen::ArrayXXd cells;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tile_state& x) {
  return f(caf::meta::type_name("tile_state"), x.step, troupe::actors::bulk(x.cells));
}

double mib(std::size_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

double p99(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs.empty() ? 0 : xs[static_cast<std::size_t>(0.99 * static_cast<double>(xs.size() - 1))];
}

bench::extras shape(const std::vector<double>& xs, long long parts, long long n) {
  return {
      {"p99", bench::number(p99(xs))}, {"parts", std::to_string(parts)}, {"n", std::to_string(n)}};
}

// CPU time of the calling thread: what start() itself costs, without the waits for a core
// that a busy machine adds to its wall time.
double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void write_raw(const fs::path& dir, const std::vector<part_bytes>& parts) {
  fs::create_directories(dir);
  for (std::size_t r = 0; r < parts.size(); ++r) {
    std::ofstream out{dir / ("part_" + std::to_string(r) + ".bin"), std::ios::binary};
    out.write(parts[r].data(), static_cast<std::streamsize>(parts[r].size()));
    if (!out)
      throw std::runtime_error("raw write failed in " + dir.string());
  }
}

void write_raw_fsync(const fs::path& dir, const std::vector<part_bytes>& parts) {
  fs::create_directories(dir);
  for (std::size_t r = 0; r < parts.size(); ++r) {
    auto file = dir / ("part_" + std::to_string(r) + ".bin");
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0;
    for (std::size_t off = 0; ok && off < parts[r].size();) {
      auto n = ::write(fd, parts[r].data() + off, parts[r].size() - off);
      ok = n > 0;
      off += ok ? static_cast<std::size_t>(n) : 0;
    }
    ok = ok && ::fsync(fd) == 0;
    if (fd >= 0)
      ::close(fd);
    if (!ok)
      throw std::runtime_error("raw-fsync write failed in " + dir.string());
  }
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, {"reps", "parts", "n", "dir"}};
  auto reps = opt.get("reps", 7LL);
  auto parts_count = opt.get("parts", 4LL);
  auto n = opt.get("n", 1024LL);
  fs::path dir = opt.get(
      "dir", (fs::temp_directory_path() / ("troupe-bench-checkpoint-" + std::to_string(::getpid())))
                 .string());
  fs::remove_all(dir);

  std::mt19937_64 rng{42};
  std::uniform_real_distribution<double> uniform{-1.0, 1.0};
  std::vector<tile_state> states(static_cast<std::size_t>(parts_count));
  for (auto& s : states) {
    s.cells.resize(n, n);
    for (Eigen::Index i = 0; i < s.cells.size(); ++i)
      s.cells.data()[i] = uniform(rng);
  }
  std::vector<part_bytes> parts;
  for (const auto& s : states)
    parts.push_back(troupe::actors::to_bytes(s).value());
  std::size_t total = 0;
  for (const auto& p : parts)
    total += p.size();
  troupe::actors::checkpoint_info info{"bench", 0, 0.0, "bench tiles", {{"alpha", 0.1}}};

  std::vector<double> troupe_mibs, raw_mibs, raw_fsync_mibs, blocked_us, blocked_cpu_us, async_mibs;
  auto writer = troupe::actors::checkpoint_writer::open(dir / "async").value();
  for (long long rep = -1; rep < reps; ++rep) { // rep -1: warm-up, not recorded
    bool record = rep >= 0;
    info.step = rep + 1;

    auto t0 = bench::clock::now();
    troupe::actors::write_checkpoint(dir / "sync", info, parts).value();
    double troupe_s = bench::seconds_since(t0);

    t0 = bench::clock::now();
    write_raw(dir / "raw", parts);
    double raw_s = bench::seconds_since(t0);

    t0 = bench::clock::now();
    write_raw_fsync(dir / "raw-fsync", parts);
    double raw_fsync_s = bench::seconds_since(t0);

    auto copy = parts; // start() takes the bytes over; the copy is the driver's collection
    auto cpu0 = thread_cpu_seconds();
    t0 = bench::clock::now();
    writer.start(info, std::move(copy)).value();
    double blocked_s = bench::seconds_since(t0);
    double blocked_cpu_s = thread_cpu_seconds() - cpu0;
    writer.wait().value();
    double async_s = bench::seconds_since(t0);

    if (record) {
      troupe_mibs.push_back(mib(total) / troupe_s);
      raw_mibs.push_back(mib(total) / raw_s);
      raw_fsync_mibs.push_back(mib(total) / raw_fsync_s);
      blocked_us.push_back(blocked_s * 1e6);
      blocked_cpu_us.push_back(blocked_cpu_s * 1e6);
      async_mibs.push_back(mib(total) / async_s);
    }
  }
  bench::report("checkpoint_write", "troupe", "mib_per_s", troupe_mibs, 1,
                shape(troupe_mibs, parts_count, n));
  bench::report("checkpoint_write", "raw", "mib_per_s", raw_mibs, 1,
                shape(raw_mibs, parts_count, n));
  bench::report("checkpoint_write", "raw-fsync", "mib_per_s", raw_fsync_mibs, 1,
                shape(raw_fsync_mibs, parts_count, n));
  bench::report("checkpoint_write", "troupe-writer", "mib_per_s", async_mibs, 1,
                shape(async_mibs, parts_count, n));
  bench::report("checkpoint_write", "troupe-writer", "blocked_us", blocked_us, 1,
                shape(blocked_us, parts_count, n));
  bench::report("checkpoint_write", "troupe-writer", "blocked_cpu_us", blocked_cpu_us, 1,
                shape(blocked_cpu_us, parts_count, n));

  // The parts' states into bytes: bulk (one run of bytes) beside CAF's own serialisation of
  // the same doubles as a std::vector<double> (element by element).
  std::vector<double> bulk_mibs, caf_mibs;
  std::vector<double> flat(states[0].cells.data(), states[0].cells.data() + states[0].cells.size());
  for (long long rep = -1; rep < reps; ++rep) {
    auto t0 = bench::clock::now();
    auto bytes = troupe::actors::to_bytes(states[0]).value();
    double bulk_s = bench::seconds_since(t0);
    bench::keep(bytes);

    std::vector<char> buf;
    t0 = bench::clock::now();
    caf::binary_serializer sink{nullptr, buf};
    if (sink(flat))
      return 1;
    double caf_s = bench::seconds_since(t0);
    bench::keep(buf);
    if (rep >= 0) {
      bulk_mibs.push_back(mib(bytes.size()) / bulk_s);
      caf_mibs.push_back(mib(buf.size()) / caf_s);
    }
  }
  bench::report("checkpoint_to_bytes", "troupe", "mib_per_s", bulk_mibs, 1, shape(bulk_mibs, 1, n));
  bench::report("checkpoint_to_bytes", "caf", "mib_per_s", caf_mibs, 1, shape(caf_mibs, 1, n));

  fs::remove_all(dir);
  return 0;
}
