// scheduler_idle: what an idle or lightly loaded troupe node costs in CPU, for the scheduler
// trade-off in docs/PERFORMANCE.md. Reports the node process's CPU use in percent of one core:
//   idle_cpu_percent  nothing to do (after a 1 s settle);
//   tick_cpu_percent  one actor wakes every --tick-us µs from a timer and goes back to sleep
//                     (a heartbeat, a monitor poll, a slow trickle of remote messages).
// Run it with other scheduler flags through --troupe-flags or BENCH_TROUPE_FLAGS.
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <troupe/troupe.hpp>

#include "common/bench.hpp"
#include "common/systems.hpp"

namespace {

troupe::task<> ticker(troupe::context& self, troupe::duration period) {
  for (;;)
    co_await troupe::sleep(self, period);
}

double cpu_percent_over(double seconds) {
  auto cpu0 = bench::cpu_seconds();
  auto t0 = bench::clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return 100.0 * (bench::cpu_seconds() - cpu0) / bench::seconds_since(t0);
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, {"threads", "seconds", "tick-us", "troupe-flags", "name"}};
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  auto seconds = opt.get("seconds", 2.0);
  auto tick_us = opt.get("tick-us", 1000LL);
  auto name = opt.get("name", std::string{"troupe"});
  auto args = bench::troupe_args(threads);
  std::istringstream flags{opt.get("troupe-flags", std::string{})};
  for (std::string f; flags >> f;)
    args.push_back(f);
  bench::troupe_system s{args};
  std::this_thread::sleep_for(std::chrono::seconds{1});
  std::vector<double> idle{cpu_percent_over(seconds)};
  troupe::spawn(*s.node, ticker, troupe::duration{std::chrono::microseconds{tick_us}});
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  std::vector<double> tick{cpu_percent_over(seconds)};
  bench::report("scheduler_idle", name, "idle_cpu_percent", idle, threads,
                {{"flags", bench::json_string(opt.get("troupe-flags", std::string{}))}});
  bench::report("scheduler_idle", name, "tick_cpu_percent", tick, threads,
                {{"tick_us", std::to_string(tick_us)},
                 {"flags", bench::json_string(opt.get("troupe-flags", std::string{}))}});
  std::_Exit(0); // the ticker never ends; the node's shutdown would end it, but why wait
}
