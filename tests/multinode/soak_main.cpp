// A cluster member for tests/multinode/soak.test.cpp: keeps every worker of its node busy with
// kernels while it watches the other members, for a given time. Prints, in this order:
//   self ADDR                        its own address, once the node is up
//   members: N                       once --expect members are up (the soak starts then)
//   event ADDR STATE T               each change of another member (T: seconds into the soak)
//   stall MS T                       a plain thread of this process that sleeps 100 ms at a
//                                    time woke MS ms late (at least 500): the whole process
//                                    (or the machine) stood still, not just its busy workers
//   soak done: kernels K cpu C wall W   after --seconds (kernels finished, CPU and wall seconds)
// then keeps its kernels and its watch going until it is signalled or killed, so that the
// others see it leave only when the test ends it.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <time.h>
#include <unistd.h>

#include <troupe/cluster.hpp>
#include <troupe/troupe.hpp>

using namespace std::chrono_literals;

namespace {

std::mutex out_mtx;
std::atomic<std::uint64_t> kernels_done{0};
std::atomic<std::int64_t> soak_start_ns{0};

void say(const std::string& line) {
  std::lock_guard<std::mutex> guard{out_mtx};
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

std::int64_t clock_ns(clockid_t id) {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::string seconds_since(std::int64_t start_ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f",
                static_cast<double>(clock_ns(CLOCK_MONOTONIC) - start_ns) * 1e-9);
  return buf;
}

troupe::task<> watcher(troupe::context& self) {
  troupe::subscribe_members(self);
  for (;;) {
    auto e = co_await troupe::receive<troupe::member_event>(self);
    if (e.who.local)
      continue;
    say("event " + e.who.address.to_string() + " " + troupe::to_string(e.who.state) + " " +
        seconds_since(soak_start_ns.load()));
  }
}

// One kernel after another over `n` doubles, split over all of the node's workers: a few
// flops per element so that the workers compute rather than wait for memory.
troupe::task<> churn(troupe::context& self, std::size_t n) {
  std::vector<double> v(n, 1.0);
  auto body = [&v](std::size_t b, std::size_t e) {
    for (auto i = b; i < e; ++i)
      v[i] = std::sqrt(v[i] * 1.000001 + 0.25) + std::sin(v[i]) * 1e-3;
  };
  for (;;) {
    co_await troupe::parallel_for(self, 0, v.size(), body);
    kernels_done.fetch_add(1, std::memory_order_relaxed);
  }
}

// Tells a stalled process (a late wake-up of a thread outside the pool) from busy workers, so
// that a down report in the soak can be matched with what the machine did at that moment.
void watch_stalls() {
  auto last = clock_ns(CLOCK_MONOTONIC);
  for (;;) {
    std::this_thread::sleep_for(100ms);
    auto now = clock_ns(CLOCK_MONOTONIC);
    auto late_ms = (now - last) / 1'000'000 - 100;
    if (late_ms >= 500)
      say("stall " + std::to_string(late_ms) + " " + seconds_since(soak_start_ns.load()));
    last = now;
  }
}

} // namespace

int main(int argc, char** argv) {
  troupe::node_config cfg{"soak_node", "a cluster member whose workers are always busy"};
  int expect = 3;
  int seconds = 600;
  int elements = 1 << 21;
  cfg.option(expect, "expect", "members to wait for before the soak starts");
  cfg.option(seconds, "seconds", "how long the soak lasts once the members are up");
  cfg.option(elements, "elements", "doubles per kernel");
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    for (auto& m : n.members())
      if (m.local)
        say("self " + m.address.to_string());
    soak_start_ns = clock_ns(CLOCK_MONOTONIC);
    troupe::spawn(n, watcher);
    troupe::spawn(n, churn, static_cast<std::size_t>(elements));
    std::thread{watch_stalls}.detach();
    if (auto ok = n.await_members(static_cast<std::size_t>(expect), 60s); !ok) {
      say("expect failed: " + ok.error().message());
      return 1;
    }
    say("members: " + std::to_string(expect));
    auto cpu0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    auto wall0 = clock_ns(CLOCK_MONOTONIC);
    soak_start_ns = wall0;
    std::this_thread::sleep_for(std::chrono::seconds{seconds});
    char line[160];
    std::snprintf(line, sizeof line, "soak done: kernels %llu cpu %.1f wall %.1f",
                  static_cast<unsigned long long>(kernels_done.load()),
                  static_cast<double>(clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0) * 1e-9,
                  static_cast<double>(clock_ns(CLOCK_MONOTONIC) - wall0) * 1e-9);
    say(line);
    for (;;)
      ::pause();
  });
}
