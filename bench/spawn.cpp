// spawn: start N (default 1,000,000) idle actors from main and wait until each has started and
// is waiting for a message; seconds, and bytes per actor (growth of the resident set / N).
// troupe: coroutine actors awaiting `receive`; caf: raw CAF function-based actors with a
// behavior. Each rep is a fresh process (a fresh heap), alternated A B A B.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include <troupe/troupe.hpp>

#include "common/bench.hpp"
#include "common/process.hpp"
#include "common/systems.hpp"

namespace {

using stop_atom = caf::atom_constant<caf::atom("stop")>;

troupe::task<> troupe_idle(troupe::context& self, std::atomic<std::int64_t>* started) {
  started->fetch_add(1, std::memory_order_relaxed);
  co_await troupe::receive<stop_atom>(self);
}

caf::behavior caf_idle(caf::event_based_actor*, std::atomic<std::int64_t>* started) {
  started->fetch_add(1, std::memory_order_relaxed);
  return {[](stop_atom) {}};
}

void wait_for(const std::atomic<std::int64_t>& started, std::int64_t n) {
  while (started.load(std::memory_order_relaxed) < n)
    std::this_thread::sleep_for(std::chrono::microseconds{200});
}

/// Prints "seconds bytes_per_actor" and exits at once: tearing a million actors down is not
/// what is measured.
[[noreturn]] void report(double secs, std::int64_t rss0, std::int64_t n) {
  auto per_actor = static_cast<double>(bench::rss_bytes() - rss0) / static_cast<double>(n);
  std::printf("%.6f %.1f\n", secs, per_actor);
  std::fflush(stdout);
  std::_Exit(0);
}

/// One rep in this (child) process. The handles are kept, as a program keeps the actors it
/// means to talk to (an actor nobody refers to ends); their vector is touched before the
/// first reading of the resident set, so it is not counted.
[[noreturn]] void one_rep(const std::string& impl, std::int64_t n, unsigned threads) {
  std::atomic<std::int64_t> started{0};
  std::vector<caf::actor> handles(static_cast<std::size_t>(n));
  if (impl == "caf" || impl == "caf-tuned") {
    bench::caf_system s{threads, impl == "caf-tuned"};
    auto rss0 = bench::rss_bytes();
    auto t0 = bench::clock::now();
    for (std::int64_t i = 0; i < n; ++i)
      handles[static_cast<std::size_t>(i)] = s.sys().spawn(caf_idle, &started);
    wait_for(started, n);
    report(bench::seconds_since(t0), rss0, n);
  }
  bench::troupe_system s{bench::troupe_args(threads, impl != "troupe-nointrospect")};
  auto rss0 = bench::rss_bytes();
  auto t0 = bench::clock::now();
  for (std::int64_t i = 0; i < n; ++i)
    handles[static_cast<std::size_t>(i)] = troupe::spawn(*s.node, troupe_idle, &started);
  wait_for(started, n);
  report(bench::seconds_since(t0), rss0, n);
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, {"reps", "actors", "threads", "impls", "child"}};
  auto n = opt.get("actors", 1000000LL);
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  if (opt.has("child"))
    one_rep(opt.get("child", std::string{}), n, threads);
  auto reps = opt.get("reps", 5LL);
  auto impls = bench::impl_list(opt, "troupe,caf,troupe-nointrospect");
  std::vector<std::string> order;
  for (auto name : {"troupe", "caf", "caf-tuned", "troupe-nointrospect"})
    if (impls.count(name) != 0)
      order.emplace_back(name);

  std::vector<std::vector<double>> secs(order.size());
  std::vector<std::vector<double>> bytes(order.size());
  for (long long r = -1; r < reps; ++r) { // rep -1 is the warm-up
    for (std::size_t k = 0; k < order.size(); ++k) {
      auto line = bench::run_child({"--child", order[k], "--actors", std::to_string(n), "--threads",
                                    std::to_string(threads)});
      std::istringstream in{line};
      double s = 0;
      double b = 0;
      in >> s >> b;
      if (r >= 0) {
        secs[k].push_back(s);
        bytes[k].push_back(b);
      }
    }
  }
  for (std::size_t k = 0; k < order.size(); ++k) {
    bench::report("spawn", order[k], "seconds", secs[k], threads, {{"actors", std::to_string(n)}});
    bench::report("spawn", order[k], "bytes_per_actor", bytes[k], threads,
                  {{"actors", std::to_string(n)}});
  }
  return 0;
}
