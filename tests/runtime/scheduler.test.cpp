#include <future>
#include <memory>

#include <caf/policy/work_sharing.hpp>
#include <caf/scheduler/coordinator.hpp>

#include "fixture.hpp"

using namespace troupe::test;

namespace {

// Takes requests and never answers them.
troupe::behavior black_hole(troupe::context& self) {
  return {[&self](int) -> caf::result<int> { return self.make_response_promise<int>(); }};
}

// Fulfils `p` when the last copy of it goes: a capture of an actor's body lives as long as the
// actor object (CAF's clock holds a strong reference to an actor for each of its timeouts until
// they fire or are cancelled).
std::shared_ptr<int> on_destroyed(std::shared_ptr<std::promise<bool>> p) {
  return {new int{0}, [p](int* x) {
            delete x;
            p->set_value(true);
          }};
}

} // namespace

TEST_CASE("an actor that ends with a pending request timeout has it cancelled",
          "[runtime][scheduler]") {
  // troupe's clock skips the cancellation for actors that never set a timeout; one that did
  // must still have its hour-long timeout cancelled, or the clock keeps the actor alive.
  auto n = start_node(2);
  auto hole = troupe::spawn(n, black_hole);
  outcome<bool> asked;
  outcome<bool> destroyed;
  auto asker =
      troupe::spawn(n,
                    [hole, p = asked.promise, guard = on_destroyed(destroyed.promise)](
                        troupe::context& self) -> troupe::task<> {
                      p->set_value(true);
                      auto r = co_await troupe::request<int>(self, hole, std::chrono::hours{1}, 1);
                      static_cast<void>(r);
                    });
  REQUIRE(asked.get("the request to be sent"));
  caf::anon_send_exit(asker, caf::exit_reason::user_shutdown);
  CHECK_THAT(exit_reason_of(n.system(), asker), Catch::Contains("user_shutdown"));
  asker = nullptr;
  CHECK(destroyed.get("the actor's destruction"));
}

TEST_CASE("actors without timeouts end and are destroyed", "[runtime][scheduler]") {
  auto n = start_node(2);
  outcome<bool> all_destroyed;
  {
    // The last actor to go fulfils the promise.
    auto guard = on_destroyed(all_destroyed.promise);
    for (int i = 0; i < 100; ++i)
      troupe::spawn(n, [guard](troupe::context&) -> troupe::task<> { co_return; });
  }
  CHECK(all_destroyed.get("100 actors' destruction"));
}

TEST_CASE("scheduler.policy sharing keeps CAF's work-sharing scheduler, which runs kernels too",
          "[runtime][scheduler]") {
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
