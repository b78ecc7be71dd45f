#include <atomic>
#include <thread>

#include <caf/policy/work_sharing.hpp>
#include <caf/scheduler/coordinator.hpp>

#include "fixture.hpp"

using namespace troupe::test;

namespace {

// Two jobs that finish together only when they run at the same time: each arrives, then
// waits (bounded) for the other.
struct rendezvous {
  std::atomic<int> arrived{0};
  std::atomic<int> met{0};
  std::atomic<int> done{0};

  // Returns true for the second job to finish.
  bool arrive_and_wait(std::chrono::seconds limit) {
    arrived.fetch_add(1);
    auto until = std::chrono::steady_clock::now() + limit;
    while (arrived.load() < 2 && std::chrono::steady_clock::now() < until)
      std::this_thread::yield();
    if (arrived.load() == 2)
      met.fetch_add(1);
    return done.fetch_add(1) == 1;
  }
};

} // namespace

TEST_CASE("a backlog queued by a running actor wakes a blocked worker to steal it",
          "[runtime][scheduler]") {
  // Idle workers block at once, and a blocked worker would look for work to steal only after a
  // minute: the second child reaches the other core in time only if queuing it behind the first
  // wakes that core (with CAF's work stealing both children run on one worker, one after the
  // other, and neither meets the other).
  troupe::node_config cfg{"test"};
  cfg.threads = 2;
  cfg.set("work-stealing.aggressive-poll-attempts", 1);
  cfg.set("work-stealing.moderate-poll-attempts", 1);
  cfg.set("work-stealing.relaxed-sleep-duration", caf::timespan{60s});
  auto n = troupe::node::start(cfg);
  REQUIRE(n);
  auto meet = std::make_shared<rendezvous>();
  outcome<int> got;
  troupe::spawn(*n, [meet, p = got.promise](troupe::context& self) -> troupe::task<> {
    for (int i = 0; i < 2; ++i)
      troupe::spawn(self, [meet, p](troupe::context&) -> troupe::task<> {
        if (meet->arrive_and_wait(10s))
          p->set_value(meet->met.load());
        co_return;
      });
    co_return;
  });
  CHECK(got.get("both children") == 2);
}

TEST_CASE("scheduler.policy sharing keeps CAF's work-sharing scheduler", "[runtime][scheduler]") {
  troupe::node_config cfg{"test"};
  cfg.threads = 2;
  cfg.set("scheduler.policy", caf::atom("sharing"));
  auto n = troupe::node::start(cfg);
  REQUIRE(n);
  using sharing = caf::scheduler::coordinator<caf::policy::work_sharing>;
  CHECK(dynamic_cast<sharing*>(&n->system().scheduler()) != nullptr);
  // Kernels still run there (as one job: the work-sharing scheduler has no per-worker queues).
  outcome<long> got;
  troupe::spawn(*n, [p = got.promise](troupe::context& self) -> troupe::task<> {
    std::vector<long> xs(1000, 1);
    co_await troupe::parallel_for(self, 0, xs.size(), [&](std::size_t i) { xs[i] *= 2; });
    long sum = 0;
    for (auto x : xs)
      sum += x;
    p->set_value(sum);
  });
  CHECK(got.get("the kernel's result") == 2000);
}
