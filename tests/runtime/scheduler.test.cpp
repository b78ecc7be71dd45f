#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sched.h>

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

using cpu_list = std::vector<int>;

// The CPUs the calling thread may run on (empty if that cannot be read). Called on workers too,
// where Catch's macros must not be used.
cpu_list my_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    return {};
  cpu_list out;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set))
      out.push_back(c);
  return out;
}

// Each worker's CPUs, in worker order: a kernel of one chunk per worker whose chunks wait for
// each other (bounded), so that every worker runs exactly one of them.
std::vector<cpu_list> worker_cpus(troupe::node& n) {
  auto workers = n.worker_threads();
  auto seen = std::make_shared<std::map<std::thread::id, cpu_list>>();
  auto mtx = std::make_shared<std::mutex>();
  auto arrived = std::make_shared<std::atomic<std::size_t>>(0);
  outcome<bool> done;
  auto count = workers.size();
  troupe::spawn(n, [=, p = done.promise](troupe::context& self) -> troupe::task<> {
    auto all_met = std::make_shared<std::atomic<bool>>(true);
    // Named, not written inside the co_await: g++ 12 destroys a temporary closure with
    // non-trivial captures there twice.
    auto chunk = [=](std::size_t) {
      {
        std::lock_guard<std::mutex> guard{*mtx};
        (*seen)[std::this_thread::get_id()] = my_cpus();
      }
      arrived->fetch_add(1);
      auto until = std::chrono::steady_clock::now() + 10s;
      while (arrived->load() < count)
        if (std::chrono::steady_clock::now() > until) {
          all_met->store(false);
          return;
        }
    };
    co_await troupe::parallel_for(self, 0, count, chunk, {.name = "affinity", .chunks = count});
    p->set_value(all_met->load());
  });
  REQUIRE(done.get("the affinity kernel"));
  INFO("every worker must run one chunk of the affinity kernel within 10 s");
  REQUIRE(seen->size() == workers.size());
  std::vector<cpu_list> out;
  for (auto id : workers)
    out.push_back(seen->at(id));
  return out;
}

troupe::node start_with(troupe::node_config& cfg, std::vector<const char*> flags) {
  flags.insert(flags.begin(), "test");
  auto parsed = cfg.parse_args(static_cast<int>(flags.size()), flags.data());
  if (!parsed)
    FAIL(parsed.error().message());
  auto n = troupe::node::start(std::move(cfg));
  if (!n)
    FAIL("node did not start: " << n.error().message());
  return std::move(*n);
}

} // namespace

TEST_CASE("pin-workers true pins worker i to the i-th CPU the process may use",
          "[runtime][scheduler]") {
  auto cpus = my_cpus();
  REQUIRE_FALSE(cpus.empty());
  auto threads = std::to_string(cpus.size() + 1); // one more: the last wraps to the first CPU
  troupe::node_config cfg{"test"};
  auto n = start_with(cfg, {"--threads", threads.c_str(), "--pin-workers", "true"});
  auto got = worker_cpus(n);
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i] == cpu_list{cpus[i % cpus.size()]});
  }
}

TEST_CASE("workers are not pinned by default, and pin-workers auto pins one worker per CPU",
          "[runtime][scheduler]") {
  auto cpus = my_cpus();
  REQUIRE_FALSE(cpus.empty());
  SECTION("default") {
    troupe::node_config cfg{"test"};
    auto n = start_with(cfg, {"--threads", "2"});
    for (auto& w : worker_cpus(n))
      CHECK(w == cpus);
  }
  SECTION("auto, one worker per CPU") {
    troupe::node_config cfg{"test"};
    auto threads = std::to_string(cpus.size());
    auto n = start_with(cfg, {"--threads", threads.c_str(), "--pin-workers=auto"});
    auto got = worker_cpus(n);
    for (std::size_t i = 0; i < got.size(); ++i)
      CHECK(got[i] == cpu_list{cpus[i]});
  }
  SECTION("auto, more workers than CPUs") {
    troupe::node_config cfg{"test"};
    auto threads = std::to_string(cpus.size() + 1);
    auto n = start_with(cfg, {"--threads", threads.c_str(), "--pin-workers", "auto"});
    for (auto& w : worker_cpus(n))
      CHECK(w == cpus);
  }
}

TEST_CASE("pin-workers true under work sharing is an error naming the flag",
          "[runtime][scheduler]") {
  troupe::node_config cfg{"test"};
  std::vector<const char*> flags{"test", "--pin-workers", "true"};
  REQUIRE(cfg.parse_args(static_cast<int>(flags.size()), flags.data()));
  cfg.set("scheduler.policy", caf::atom("sharing"));
  auto n = troupe::node::start(std::move(cfg));
  REQUIRE_FALSE(n);
  CHECK_THAT(n.error().message(), Catch::StartsWith("--pin-workers true needs troupe's "
                                                    "work-stealing scheduler"));
}

TEST_CASE("a blocked worker steals an actor queued behind a busy one", "[runtime][scheduler]") {
  // Two actors spawned from inside an actor are queued on that actor's worker, which wakes no
  // other. The first spins until the second has started: only the other worker, blocked on
  // its condition variable since the sleep, can run it, by stealing at a relaxed timeout
  // (troupe's dequeue, internal/scheduler.hpp).
  auto n = start_node(2);
  auto started = std::make_shared<std::atomic<int>>(0);
  auto threads = std::make_shared<std::vector<std::thread::id>>(2);
  outcome<bool> both;
  troupe::spawn(n, [=, p = both.promise](troupe::context& self) -> troupe::task<> {
    co_await troupe::sleep(self, 50ms); // both workers run out of work and block
    for (int k = 0; k < 2; ++k)
      troupe::spawn(self, [=](troupe::context&) -> troupe::task<> {
        // Written before the count that publishes it: the test reads both once both counted.
        (*threads)[static_cast<std::size_t>(k)] = std::this_thread::get_id();
        started->fetch_add(1);
        auto until = std::chrono::steady_clock::now() + 10s;
        while (started->load() < 2)
          if (std::chrono::steady_clock::now() > until) {
            p->set_value(false);
            co_return;
          }
        if (k == 0)
          p->set_value(true);
        co_return;
      });
  });
  INFO("the second actor must start within 10 s while the first one spins on its worker");
  CHECK(both.get("both actors' start"));
  CHECK((*threads)[0] != (*threads)[1]);
}

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
  auto n = troupe::node::start(std::move(cfg));
  REQUIRE(n);
  using sharing = caf::scheduler::coordinator<caf::policy::work_sharing>;
  CHECK(dynamic_cast<sharing*>(&n->system().scheduler()) != nullptr);
  // Kernels run there too, their jobs taken from the central queue by both workers.
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
