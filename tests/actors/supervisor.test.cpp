// Supervisors (troupe/actors/supervisor.hpp): one_for_one, one_for_all and rest_for_one restart
// the right children, restart intensity ends the supervisor with the failing child's reason
// (an exception's text included), nested supervisors, children that end normally.
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <caf/send.hpp>

#include <troupe/actors/supervisor.hpp>
#include <troupe/troupe.hpp>

using namespace std::chrono_literals;
namespace ta = troupe::actors;

namespace {

troupe::node sup_node() {
  troupe::node_config cfg{"test"};
  cfg.threads = 2;
  auto n = troupe::node::start(std::move(cfg));
  if (!n)
    FAIL("node did not start: " << n.error().message());
  return std::move(*n);
}

// A child that runs until ended.
troupe::task<> idle(troupe::context& self) {
  co_await troupe::sleep(self, troupe::infinite);
}

ta::child_spec idle_child(std::string name) {
  return {std::move(name),
          [](troupe::node& n) { return troupe::result<caf::actor>{troupe::spawn(n, idle)}; }};
}

// A child that throws "boom <k>" on each of its first `fails` starts, then runs until ended
// or, given `done`, until that is set (checked every millisecond).
ta::child_spec crashing_child(std::string name, std::shared_ptr<std::atomic<int>> starts, int fails,
                              std::shared_ptr<std::atomic<bool>> done = nullptr) {
  return {std::move(name), [starts, fails, done](troupe::node& n) {
            auto k = ++*starts;
            return troupe::result<caf::actor>{
                troupe::spawn(n, [k, fails, done](troupe::context& self) -> troupe::task<> {
                  if (k <= fails)
                    throw std::runtime_error("boom " + std::to_string(k));
                  if (!done)
                    co_await troupe::sleep(self, troupe::infinite);
                  while (done && !*done)
                    co_await troupe::sleep(self, 1ms);
                })};
          }};
}

std::vector<caf::actor> children_of(troupe::node& n, const caf::actor& sup) {
  auto kids = ta::supervised_children(n, sup);
  REQUIRE(kids);
  return *kids;
}

// Waits (at most 30 s) until every child differs from `before` where `changed` says so and
// equals it elsewhere, all running.
void wait_for_restart(troupe::node& n, const caf::actor& sup, const std::vector<caf::actor>& before,
                      const std::vector<bool>& changed) {
  auto deadline = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    auto now = children_of(n, sup);
    bool as_expected = now.size() == before.size();
    for (std::size_t i = 0; as_expected && i < now.size(); ++i)
      as_expected = now[i] && (changed[i] ? now[i] != before[i] : now[i] == before[i]);
    if (as_expected)
      return;
    if (std::chrono::steady_clock::now() > deadline) {
      for (std::size_t i = 0; i < now.size(); ++i)
        UNSCOPED_INFO("child " << i << ": " << (now[i] ? "running" : "none") << ", "
                               << (now[i] == before[i] ? "same" : "new"));
      FAIL("the children were not restarted as expected within 30 s");
    }
    std::this_thread::sleep_for(1ms); // polling the supervisor, bounded by the deadline
  }
}

} // namespace

TEST_CASE("supervisor strategies restart the failed child or all children or the rest",
          "[actors][supervisor]") {
  auto [strategy, changed] = GENERATE(table<ta::restart_strategy, std::vector<bool>>({
      {ta::restart_strategy::one_for_one, {false, true, false}},
      {ta::restart_strategy::one_for_all, {true, true, true}},
      {ta::restart_strategy::rest_for_one, {false, true, true}},
  }));
  CAPTURE(static_cast<int>(strategy));
  auto n = sup_node();
  auto sup = ta::start_supervisor(n, {.name = "s", .strategy = strategy},
                                  {idle_child("a"), idle_child("b"), idle_child("c")});
  REQUIRE(sup);
  auto before = children_of(n, *sup);
  REQUIRE(before.size() == 3);
  caf::anon_send_exit(before[1], caf::exit_reason::kill);
  wait_for_restart(n, *sup, before, changed);
  for (std::size_t i = 0; i < 3; ++i)
    if (changed[i])
      CHECK(n.wait(before[i], 10s).error().code() != troupe::errc::timeout);
  // The children end with their supervisor.
  auto now = children_of(n, *sup);
  caf::anon_send_exit(*sup, caf::exit_reason::kill);
  CHECK(n.wait(*sup, 10s).error().code() != troupe::errc::timeout);
  for (auto& k : now)
    CHECK(n.wait(k, 10s).error().code() != troupe::errc::timeout);
}

TEST_CASE("supervisor that exceeds its restart intensity ends with the child's reason",
          "[actors][supervisor]") {
  auto n = sup_node();
  auto starts = std::make_shared<std::atomic<int>>(0);
  auto sup = ta::start_supervisor(
      n, {.name = "outer", .max_restarts = 3, .period = std::chrono::minutes{1}},
      {idle_child("calm"), crashing_child("crasher", starts, 1000)});
  REQUIRE(sup);
  auto ended = n.wait(*sup, 30s);
  REQUIRE_FALSE(ended);
  CHECK_THAT(
      ended.error().message(),
      Catch::Contains("supervisor 'outer': child 'crasher' failed 4 times within 60000 ms: ") &&
          Catch::Contains("boom 4"));
  CHECK(starts->load() == 4);
}

TEST_CASE("supervisor restarts a child that failed fewer times than its intensity allows, and "
          "ends normally once its transient children ended normally",
          "[actors][supervisor]") {
  auto n = sup_node();
  auto starts = std::make_shared<std::atomic<int>>(0);
  auto done = std::make_shared<std::atomic<bool>>(false);
  auto sup = ta::start_supervisor(
      n, {.name = "s", .max_restarts = 3},
      {crashing_child("flaky", starts, 2, done),
       crashing_child("calm", std::make_shared<std::atomic<int>>(0), 0, done)});
  REQUIRE(sup);
  // flaky failed twice and runs its third start; a kill from outside is one more failure.
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (starts->load() < 3 || !children_of(n, *sup)[0]) {
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("flaky was not restarted twice within 30 s");
    std::this_thread::sleep_for(1ms); // polling, bounded by the deadline
  }
  auto kids = children_of(n, *sup);
  caf::anon_send_exit(kids[0], caf::exit_reason::user_shutdown);
  wait_for_restart(n, *sup, kids, {true, false});
  CHECK(starts->load() == 4);
  CHECK(n.wait(*sup, 50ms).error() == troupe::errc::timeout);
  // Both end normally (transient: not restarted): the supervisor ends, normally.
  *done = true;
  CHECK(n.wait(*sup, 30s));
}

TEST_CASE("a nested supervisor that gives up is restarted by its own supervisor",
          "[actors][supervisor]") {
  auto n = sup_node();
  auto starts = std::make_shared<std::atomic<int>>(0);
  // The inner one gives up after its child's second failure; restarted, its child then runs.
  ta::child_spec inner{"inner", [starts](troupe::node& n) {
                         return ta::start_supervisor(n, {.name = "inner", .max_restarts = 1},
                                                     {crashing_child("deep", starts, 2)});
                       }};
  auto outer = ta::start_supervisor(n, {.name = "outer", .max_restarts = 2}, {inner});
  REQUIRE(outer);
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (starts->load() < 3) {
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("the inner supervisor was not restarted within 30 s");
    std::this_thread::sleep_for(1ms);
  }
  auto kids = children_of(n, *outer);
  REQUIRE(kids.size() == 1);
  REQUIRE(kids[0]);
  auto deep = children_of(n, kids[0]);
  REQUIRE(deep.size() == 1);
  CHECK(deep[0]);
  CHECK(n.wait(*outer, 50ms).error() == troupe::errc::timeout);
  caf::anon_send_exit(*outer, caf::exit_reason::kill);
  CHECK(n.wait(deep[0], 10s).error().code() != troupe::errc::timeout);
}
