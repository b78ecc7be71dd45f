// scheduler_idle: what an idle or lightly loaded troupe node costs in CPU, for the scheduler
// trade-off in docs/PERFORMANCE.md. Reports the node process's CPU use in percent of one core:
//   idle_cpu_percent  nothing to do (after a 1 s settle);
//   tick_cpu_percent  one actor wakes every --tick-us µs from a timer and goes back to sleep
//                     (a heartbeat, a monitor poll, a slow trickle of remote messages);
//   fanout_ms         every 20 ms a coordinator woken by a timer sends 64 actors 100 µs of
//                     work each and awaits their answers: the time of one such burst, which
//                     is 3.2 ms when both workers share it and 6.4 ms when one does it alone
//                     (work enqueued by a worker wakes no sleeping worker; only its steal
//                     attempts find it); shared_bursts_percent says how many bursts ran on
//                     more than one worker.
// Run it with other scheduler flags through --troupe-flags or BENCH_TROUPE_FLAGS.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <troupe/troupe.hpp>

#include "common/bench.hpp"
#include "common/systems.hpp"

namespace {

troupe::task<> ticker(troupe::context& self, troupe::duration period, std::atomic<bool>* stop) {
  while (!stop->load(std::memory_order_relaxed))
    co_await troupe::sleep(self, period);
}

using work_atom = caf::atom_constant<caf::atom("work")>;

void spin_for(std::chrono::microseconds d) {
  auto until = bench::clock::now() + d;
  while (bench::clock::now() < until) {
  }
}

/// Work items run per worker thread, to see whether a burst used more than one worker.
struct per_worker {
  std::vector<std::thread::id> ids;
  std::vector<std::atomic<std::int64_t>> items;
  /// The share of bursts that more than one worker ran, in percent.
  double shared_percent = 0;

  explicit per_worker(std::vector<std::thread::id> workers)
    : ids(std::move(workers))
    , items(ids.size()) {
  }

  void count() {
    auto me = std::this_thread::get_id();
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (ids[i] == me)
        items[i].fetch_add(1, std::memory_order_relaxed);
  }

  std::vector<std::int64_t> now() const {
    std::vector<std::int64_t> out;
    for (auto& n : items)
      out.push_back(n.load(std::memory_order_relaxed));
    return out;
  }
};

troupe::behavior fanout_worker(troupe::context&, std::shared_ptr<per_worker> stats) {
  return {[stats](work_atom, std::int64_t us) {
    stats->count();
    spin_for(std::chrono::microseconds{us});
    return us;
  }};
}

troupe::task<> fanout(troupe::context& self, int bursts, std::shared_ptr<per_worker> stats,
                      std::shared_ptr<std::promise<std::vector<double>>> out) {
  using namespace std::chrono_literals;
  std::vector<caf::actor> workers;
  for (int i = 0; i < 64; ++i)
    workers.push_back(troupe::spawn(self, fanout_worker, stats));
  std::vector<double> ms;
  double shared = 0;
  for (int b = -2; b < bursts; ++b) {
    co_await troupe::sleep(self, 20ms);
    auto before = stats->now();
    auto t0 = bench::clock::now();
    for (auto& w : workers)
      self.send(w, work_atom::value, std::int64_t{100});
    for (std::size_t i = 0; i < workers.size(); ++i)
      co_await troupe::receive<std::int64_t>(self);
    if (b < 0)
      continue;
    ms.push_back(1000.0 * bench::seconds_since(t0));
    auto after = stats->now();
    int busy = 0;
    for (std::size_t w = 0; w < after.size(); ++w)
      busy += after[w] > before[w] ? 1 : 0;
    shared += busy > 1 ? 100.0 / bursts : 0.0;
  }
  stats->shared_percent = shared;
  for (auto& w : workers)
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  out->set_value(std::move(ms));
}

double cpu_percent_over(double seconds) {
  auto cpu0 = bench::cpu_seconds();
  auto t0 = bench::clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return 100.0 * (bench::cpu_seconds() - cpu0) / bench::seconds_since(t0);
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{
      argc, argv, {"threads", "seconds", "tick-us", "troupe-flags", "name", "bursts"}};
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
  std::atomic<bool> stop_ticking{false};
  troupe::spawn(*s.node, ticker, troupe::duration{std::chrono::microseconds{tick_us}},
                &stop_ticking);
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  std::vector<double> tick{cpu_percent_over(seconds)};
  stop_ticking = true; // the fan-out below runs on an otherwise idle node
  std::this_thread::sleep_for(std::chrono::milliseconds{100});
  auto out = std::make_shared<std::promise<std::vector<double>>>();
  auto bursts = out->get_future();
  auto stats = std::make_shared<per_worker>(s.node->worker_threads());
  troupe::spawn(*s.node, fanout, static_cast<int>(opt.get("bursts", 25LL)), stats, out);
  auto burst_ms = bursts.get();
  bench::report("scheduler_idle", name, "idle_cpu_percent", idle, threads,
                {{"flags", bench::json_string(opt.get("troupe-flags", std::string{}))}});
  bench::report("scheduler_idle", name, "tick_cpu_percent", tick, threads,
                {{"tick_us", std::to_string(tick_us)},
                 {"flags", bench::json_string(opt.get("troupe-flags", std::string{}))}});
  bench::report("scheduler_idle", name, "fanout_ms", burst_ms, threads,
                {{"shared_bursts_percent", bench::number(stats->shared_percent)},
                 {"flags", bench::json_string(opt.get("troupe-flags", std::string{}))}});
  std::_Exit(0); // the ticker never ends; the node's shutdown would end it, but why wait
}
