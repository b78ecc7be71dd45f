// The simulation driver (troupe/actors/driver.hpp) with parts of a test type on one node:
// parameter changes at the same boundary on every part, pause and resume, an early stop, and a
// failing part that ends the run naming it.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <caf/send.hpp>

#include <troupe/actors/driver.hpp>
#include <troupe/troupe.hpp>

using namespace std::chrono_literals;
namespace ta = troupe::actors;

namespace {

// What each part saw, by rank: the last step it reached (before its boundary call), the last
// it passed, and the step from which each parameter change applied.
class sink {
public:
  explicit sink(std::size_t n)
    : reached_(n, 0)
    , passed_(n, 0)
    , changed_(n) {
  }

  void reached(std::size_t rank, std::int64_t step) {
    std::lock_guard<std::mutex> guard{mtx_};
    reached_.at(rank) = step;
  }

  void passed(std::size_t rank, std::int64_t step) {
    std::lock_guard<std::mutex> guard{mtx_};
    passed_.at(rank) = step;
  }

  void changed(std::size_t rank, std::int64_t step, double value) {
    std::lock_guard<std::mutex> guard{mtx_};
    changed_.at(rank).emplace_back(step, value);
  }

  std::vector<std::int64_t> reached() {
    std::lock_guard<std::mutex> guard{mtx_};
    return reached_;
  }

  std::vector<std::int64_t> passed() {
    std::lock_guard<std::mutex> guard{mtx_};
    return passed_;
  }

  std::vector<std::vector<std::pair<std::int64_t, double>>> changed() {
    std::lock_guard<std::mutex> guard{mtx_};
    return changed_;
  }

private:
  std::mutex mtx_;
  std::vector<std::int64_t> reached_;
  std::vector<std::int64_t> passed_;
  std::vector<std::vector<std::pair<std::int64_t, double>>> changed_;
};

} // namespace

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<sink>)

namespace {

constexpr std::size_t part_count = 4;

// A part that counts steps; rank 1 throws after step `fail_at` (when positive).
troupe::task<> counting_part(troupe::context& self, ta::part_link link, std::shared_ptr<sink> out,
                             std::int64_t fail_at) {
  auto rank = link.parts.rank_of(self.address()).value();
  for (std::int64_t step = 1; step <= link.steps; ++step) {
    if (rank == 1 && step == fail_at)
      throw std::runtime_error("counting part broke at step " + std::to_string(step));
    out->reached(rank, step);
    auto at = co_await ta::at_boundary(self, link, step);
    if (!at)
      throw std::runtime_error(at.error().message());
    if (auto gain = at->changed.get("gain"))
      out->changed(rank, step, *gain);
    out->passed(rank, step);
    if (at->stop)
      break;
  }
}

troupe::node driver_node() {
  troupe::node_config cfg{"test"};
  cfg.threads = 2;
  ta::add_driver_types(cfg);
  ta::add_driver_command_type(cfg);
  cfg.add_actor_type("counting",
                     ta::part_factory<std::shared_ptr<sink>, std::int64_t>(counting_part));
  auto n = troupe::node::start(std::move(cfg));
  if (!n)
    FAIL("node did not start: " << n.error().message());
  return std::move(*n);
}

ta::driver_config config(std::int64_t steps, std::int64_t every) {
  ta::driver_config dc;
  dc.type = "counting";
  dc.parts = part_count;
  dc.steps = steps;
  dc.every = every;
  dc.initial.set("gain", 1.0);
  dc.label = "test";
  return dc;
}

ta::driver start(troupe::node& n, const ta::driver_config& dc, std::shared_ptr<sink> out,
                 std::int64_t fail_at = 0) {
  auto run = ta::driver::start(n, dc, caf::make_message(out, fail_at));
  if (!run)
    FAIL("driver did not start: " << run.error().message());
  return std::move(*run);
}

// Waits (at most 30 s) until `pred()` holds; fails with `what` otherwise.
template <class Pred>
void wait_until(Pred pred, const char* what) {
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("still not the case after 30 s: " << what);
    std::this_thread::yield();
  }
}

} // namespace

TEST_CASE("placement puts part 0 on this node and spreads the rest by blocks or round robin",
          "[actors][driver]") {
  CHECK(ta::place(5, 2, ta::placement::block) == std::vector<std::size_t>{0, 0, 0, 1, 1});
  CHECK(ta::place(5, 2, ta::placement::round_robin) == std::vector<std::size_t>{0, 1, 0, 1, 0});
  CHECK(ta::place(3, 1, ta::placement::block) == std::vector<std::size_t>{0, 0, 0});
  CHECK(ta::parse_placement("blocks").error().message() ==
        "placement must be round-robin or block (got 'blocks')");
}

TEST_CASE("driver runs every part to the last step and reports it", "[actors][driver]") {
  auto n = driver_node();
  auto out = std::make_shared<sink>(part_count);
  auto run = start(n, config(95, 10), out);
  auto done = run.wait(30s);
  REQUIRE(done);
  CHECK(done->steps == 95);
  CHECK_FALSE(done->stopped_early);
  CHECK(out->passed() == std::vector<std::int64_t>(part_count, 95));
  CHECK(done->final.get("gain") == 1.0);
}

TEST_CASE("driver applies a parameter change at the same boundary on every part",
          "[actors][driver]") {
  auto n = driver_node();
  auto out = std::make_shared<sink>(part_count);
  auto run = start(n, config(10'000'000, 1), out);
  // Parts are running: the change lands at whichever boundary comes next.
  wait_until([&] { return out->passed()[0] > 3; }, "part 0 passed step 3");
  caf::anon_send(run.handle(), ta::driver_command::set("gain", 2.5));
  wait_until([&] { return !out->changed()[3].empty(); }, "part 3 saw the change");
  caf::anon_send(run.handle(), ta::driver_command::stop());
  auto done = run.wait(30s);
  REQUIRE(done);
  REQUIRE(done->changes.size() == 1);
  auto at = done->changes[0].step;
  CHECK(at > 3);
  CHECK(done->final.get("gain") == 2.5);
  for (auto& seen : out->changed()) {
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].first == at);
    CHECK(seen[0].second == 2.5);
  }
}

TEST_CASE("driver holds every part at a boundary while paused and lets them go on resume",
          "[actors][driver]") {
  auto n = driver_node();
  auto out = std::make_shared<sink>(part_count);
  auto run = start(n, config(200, 10), out);
  caf::anon_send(run.handle(), ta::driver_command::pause());
  // Held: every part reached a boundary it has not passed, the same one for all.
  auto held = [&] {
    auto reached = out->reached();
    auto passed = out->passed();
    for (std::size_t r = 0; r < part_count; ++r)
      if (reached[r] == passed[r] || reached[r] != reached[0] || reached[r] % 10 != 0)
        return false;
    return true;
  };
  wait_until(held, "every part held at the same boundary");
  auto at = out->reached()[0];
  CHECK(run.wait(200ms).error().code() == troupe::errc::timeout);
  CHECK(held());
  CHECK(out->reached()[0] == at);
  caf::anon_send(run.handle(), ta::driver_command::resume());
  auto done = run.wait(30s);
  REQUIRE(done);
  CHECK(done->steps == 200);
  CHECK(out->passed() == std::vector<std::int64_t>(part_count, 200));
}

TEST_CASE("driver stops every part at the same boundary on a stop command", "[actors][driver]") {
  auto n = driver_node();
  auto out = std::make_shared<sink>(part_count);
  auto run = start(n, config(10'000'000, 7), out);
  wait_until([&] { return out->passed()[2] >= 7; }, "part 2 passed its first boundary");
  caf::anon_send(run.handle(), ta::driver_command::stop());
  auto done = run.wait(30s);
  REQUIRE(done);
  CHECK(done->stopped_early);
  CHECK(done->steps % 7 == 0);
  CHECK(done->steps < 10'000'000);
  CHECK(out->passed() == std::vector<std::int64_t>(part_count, done->steps));
}

TEST_CASE("driver refuses a change of a parameter the run does not have", "[actors][driver]") {
  auto n = driver_node();
  auto out = std::make_shared<sink>(part_count);
  auto run = start(n, config(1'000'000, 10), out);
  auto asked = troupe::launch(
      n,
      [](troupe::context& self, caf::actor d) -> troupe::task<int> {
        auto beta = ta::driver_command::set("beta", 1.0);
        auto r = co_await troupe::request<bool>(self, d, 10s, beta);
        self.send(d, ta::driver_command::stop());
        CHECK_FALSE(r);
        if (!r)
          CHECK_THAT(r.error().message(), Catch::Contains("no parameter 'beta' (it has: gain)"));
        co_return 0;
      },
      run.handle());
  CHECK(asked.get(30s));
  CHECK(run.wait(30s));
}

TEST_CASE("driver fails the run naming a part that threw, and ends the others",
          "[actors][driver]") {
  auto n = driver_node();
  auto out = std::make_shared<sink>(part_count);
  auto run = start(n, config(100, 10), out, 5);
  auto done = run.wait(30s);
  REQUIRE_FALSE(done);
  CHECK_THAT(done.error().message(), Catch::StartsWith("driver: part rank 1, ") &&
                                         Catch::Contains("failed: counting part broke at step 5"));
  for (auto& part : run.parts().members())
    CHECK(n.wait(part, 30s).error().code() != troupe::errc::timeout);
}
