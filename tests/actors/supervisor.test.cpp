// Supervisors (troupe/actors/supervisor.hpp): one_for_one, one_for_all and rest_for_one restart
// the right children, restart intensity ends the supervisor with the failing child's reason
// (an exception's text included), nested supervisors, children that end normally.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
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

// The starts of the children that report to it: tests wait on it instead of polling.
class start_log {
public:
  // Notes a start; returns how many there were.
  int note() {
    std::lock_guard<std::mutex> guard{mtx_};
    cv_.notify_all();
    return ++count_;
  }

  int count() {
    std::lock_guard<std::mutex> guard{mtx_};
    return count_;
  }

  // Waits (at most 30 s) until `n` starts were noted; fails saying `what` otherwise. A query to
  // the supervisor sent afterwards sees the child started: it is handled after the restart.
  void wait_for(int n, const char* what) {
    std::unique_lock<std::mutex> lock{mtx_};
    if (!cv_.wait_for(lock, 30s, [&] { return count_ >= n; }))
      FAIL("only " << count_ << " of " << n << " starts within 30 s: " << what);
  }

private:
  std::mutex mtx_;
  std::condition_variable cv_;
  int count_ = 0;
};

// A child that throws "boom <k>" on its k-th start while k <= `fails`, then runs until it is
// sent a string (it then ends normally) or ended.
ta::child_spec child(std::string name, std::shared_ptr<start_log> log, int fails = 0) {
  return {std::move(name), [log, fails](troupe::node& n) {
            auto k = log->note();
            return troupe::result<caf::actor>{
                troupe::spawn(n, [k, fails](troupe::context& self) -> troupe::task<> {
                  if (k <= fails)
                    throw std::runtime_error("boom " + std::to_string(k));
                  co_await troupe::receive<std::string>(self);
                })};
          }};
}

std::vector<caf::actor> children_of(troupe::node& n, const caf::actor& sup) {
  auto kids = ta::supervised_children(n, sup);
  REQUIRE(kids);
  return *kids;
}

// Checks that every child is running and differs from `before` where `changed` says so.
void check_restarted(const std::vector<caf::actor>& now, const std::vector<caf::actor>& before,
                     const std::vector<bool>& changed) {
  REQUIRE(now.size() == before.size());
  for (std::size_t i = 0; i < now.size(); ++i) {
    CAPTURE(i);
    CHECK(now[i]);
    CHECK((now[i] != before[i]) == changed[i]);
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
  auto log = std::make_shared<start_log>();
  auto sup = ta::start_supervisor(n, {.name = "s", .strategy = strategy},
                                  {child("a", log), child("b", log), child("c", log)});
  REQUIRE(sup);
  log->wait_for(3, "the first starts");
  auto before = children_of(n, *sup);
  REQUIRE(before.size() == 3);
  caf::anon_send_exit(before[1], caf::exit_reason::kill);
  log->wait_for(3 + static_cast<int>(std::count(changed.begin(), changed.end(), true)),
                "the restarts");
  check_restarted(children_of(n, *sup), before, changed);
  CHECK(log->count() == 3 + static_cast<int>(std::count(changed.begin(), changed.end(), true)));
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
  auto starts = std::make_shared<start_log>();
  auto sup = ta::start_supervisor(
      n, {.name = "outer", .max_restarts = 3, .period = std::chrono::minutes{1}},
      {child("calm", std::make_shared<start_log>()), child("crasher", starts, 1000)});
  REQUIRE(sup);
  auto ended = n.wait(*sup, 30s);
  REQUIRE_FALSE(ended);
  CHECK_THAT(
      ended.error().message(),
      Catch::Contains("supervisor 'outer': child 'crasher' failed 4 times within 60000 ms: ") &&
          Catch::Contains("boom 4"));
  CHECK(starts->count() == 4);
}

TEST_CASE("supervisor restarts a child that failed fewer times than its intensity allows, and "
          "ends normally once its transient children ended normally",
          "[actors][supervisor]") {
  auto n = sup_node();
  auto flaky = std::make_shared<start_log>();
  auto calm = std::make_shared<start_log>();
  auto sup = ta::start_supervisor(n, {.name = "s", .max_restarts = 3},
                                  {child("flaky", flaky, 2), child("calm", calm)});
  REQUIRE(sup);
  // flaky failed twice and runs its third start; a kill from outside is one more failure.
  flaky->wait_for(3, "flaky's third start");
  calm->wait_for(1, "calm's start");
  auto kids = children_of(n, *sup);
  caf::anon_send_exit(kids[0], caf::exit_reason::user_shutdown);
  flaky->wait_for(4, "flaky's restart after the kill");
  auto now = children_of(n, *sup);
  check_restarted(now, kids, {true, false});
  CHECK(flaky->count() == 4);
  CHECK(n.wait(*sup, 50ms).error() == troupe::errc::timeout);
  // Both end normally (transient: not restarted): the supervisor ends, normally.
  for (auto& k : now)
    caf::anon_send(k, std::string{"done"});
  CHECK(n.wait(*sup, 30s));
}

TEST_CASE("a nested supervisor that gives up is restarted by its own supervisor",
          "[actors][supervisor]") {
  auto n = sup_node();
  auto starts = std::make_shared<start_log>();
  // The inner one gives up after its child's second failure; restarted, its child then runs.
  ta::child_spec inner{"inner", [starts](troupe::node& n) {
                         return ta::start_supervisor(n, {.name = "inner", .max_restarts = 1},
                                                     {child("deep", starts, 2)});
                       }};
  auto outer = ta::start_supervisor(n, {.name = "outer", .max_restarts = 2}, {inner});
  REQUIRE(outer);
  starts->wait_for(3, "the restarted inner supervisor's child");
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
