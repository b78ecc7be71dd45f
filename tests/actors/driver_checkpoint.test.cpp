// The simulation driver's checkpoints and restarts (troupe/actors/driver.hpp, restart.hpp):
// every part's state at checkpoint boundaries and the last step, a restart that ends with the
// same bits as an uninterrupted run (parameter changes included), and the refusals.
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <caf/send.hpp>

#include <troupe/actors/driver.hpp>
#include <troupe/actors/restart.hpp>
#include <troupe/troupe.hpp>

#include "checkpoint_support.hpp"

using namespace std::chrono_literals;
namespace ta = troupe::actors;
using troupe::test::scratch_dir;

namespace {

// A part's whole explicit state: what it accumulated after `step` steps.
struct acc_state {
  std::int64_t step = 0;
  double sum = 0;
  std::vector<double> trail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, acc_state& x) {
  return f(caf::meta::type_name("acc_state"), x.step, x.sum, ta::bulk(x.trail));
}

bool same_bits(const acc_state& a, const acc_state& b) {
  return a.step == b.step && std::memcmp(&a.sum, &b.sum, sizeof a.sum) == 0 &&
         a.trail.size() == b.trail.size() &&
         std::memcmp(a.trail.data(), b.trail.data(), a.trail.size() * sizeof(double)) == 0;
}

// The final state of each rank, and the step each part started after.
class finals {
public:
  void put(std::size_t rank, acc_state s, std::int64_t first) {
    std::lock_guard<std::mutex> guard{mtx_};
    states_[rank] = std::move(s);
    firsts_[rank] = first;
  }

  std::map<std::size_t, acc_state> states() {
    std::lock_guard<std::mutex> guard{mtx_};
    return states_;
  }

  std::map<std::size_t, std::int64_t> firsts() {
    std::lock_guard<std::mutex> guard{mtx_};
    return firsts_;
  }

private:
  std::mutex mtx_;
  std::map<std::size_t, acc_state> states_;
  std::map<std::size_t, std::int64_t> firsts_;
};

} // namespace

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<finals>)

namespace {

constexpr std::size_t part_count = 3;

// Accumulates a rounding-sensitive sum that depends on the rank, the step and `gain`, from
// the test's "go" on; with `keep` false it calls `at_boundary` without its state.
troupe::task<> accumulating_part(troupe::context& self, ta::part_link link,
                                 std::shared_ptr<finals> out, bool keep) {
  auto rank = link.parts.rank_of(self.address()).value();
  co_await troupe::receive<std::string>(self);
  acc_state s;
  if (auto restored = ta::restore(link, s); !restored)
    throw std::runtime_error(restored.error().message());
  auto gain = link.initial.get("gain").value();
  for (auto step = link.first + 1; step <= link.steps; ++step) {
    s.sum = s.sum * 0.75 + gain * static_cast<double>(rank + 1) / static_cast<double>(step);
    s.step = step;
    s.trail.push_back(s.sum);
    // Not `keep ? co_await a : co_await b`: g++ 12 destroys the result of a co_await in a
    // conditional expression twice.
    troupe::result<ta::boundary> at = troupe::error{troupe::errc::timeout, "not reached"};
    if (keep)
      at = co_await ta::at_boundary(self, link, step, s);
    else
      at = co_await ta::at_boundary(self, link, step);
    if (!at)
      throw std::runtime_error(at.error().message());
    if (auto g = at->changed.get("gain"))
      gain = *g;
    if (at->stop)
      break;
  }
  out->put(rank, s, link.first);
}

troupe::node checkpoint_node() {
  troupe::node_config cfg{"test"};
  cfg.threads = 2;
  ta::add_driver_types(cfg);
  ta::add_driver_command_type(cfg);
  cfg.add_actor_type("accumulating",
                     ta::part_factory<std::shared_ptr<finals>, bool>(accumulating_part));
  auto n = troupe::node::start(std::move(cfg));
  if (!n)
    FAIL("node did not start: " << n.error().message());
  return std::move(*n);
}

ta::driver_config config(std::int64_t steps, const std::filesystem::path& dir, std::int64_t every) {
  ta::driver_config dc;
  dc.type = "accumulating";
  dc.parts = part_count;
  dc.steps = steps;
  dc.every = 5;
  dc.checkpoint_dir = dir;
  dc.checkpoint_every = every;
  dc.layout = "3 accumulators";
  dc.time_step = 0.5;
  dc.initial.set("gain", 1.0);
  dc.label = "acc";
  return dc;
}

// Lets the parts of `run` go, after the driver took `gain` (if any) as a change for the
// first boundary.
void go(troupe::node& n, const ta::driver& run, std::optional<double> gain = std::nullopt) {
  auto sent = troupe::launch(
      n,
      [](troupe::context& self, caf::actor d, ta::group parts,
         std::optional<double> g) -> troupe::task<int> {
        if (g) {
          auto change = ta::driver_command::set("gain", *g);
          (co_await troupe::request<bool>(self, d, 10s, change)).value();
        }
        for (auto& part : parts.members())
          self.send(part, std::string{"go"});
        co_return 0;
      },
      run.handle(), run.parts(), gain);
  REQUIRE(sent.get(30s));
}

ta::driver_summary run_to_end(troupe::node& n, const ta::driver_config& dc,
                              std::shared_ptr<finals> out,
                              std::optional<ta::restart_point> from = std::nullopt,
                              std::optional<double> gain = std::nullopt) {
  auto run = ta::driver::start(n, dc, caf::make_message(out, true), std::move(from));
  if (!run)
    FAIL("driver did not start: " << run.error().message());
  go(n, *run, gain);
  auto done = run->wait(60s);
  if (!done)
    FAIL("run failed: " << done.error().message());
  return *done;
}

} // namespace

TEST_CASE("driver checkpoints every part's state at checkpoint boundaries and the last step",
          "[actors][driver][checkpoint]") {
  auto n = checkpoint_node();
  scratch_dir dir;
  auto out = std::make_shared<finals>();
  auto dc = config(47, dir.path(), 20);
  // Told on the driver, once each write completed while the run went on.
  auto told = std::make_shared<std::vector<std::filesystem::path>>();
  dc.on_checkpoint = [told](const std::filesystem::path& p) { told->push_back(p); };
  auto done = run_to_end(n, dc, out);
  REQUIRE_FALSE(told->empty());
  CHECK(told->front() == ta::checkpoint_path(dir.path(), 20));
  CHECK(done.last_checkpoint == ta::checkpoint_path(dir.path(), 47));
  // Taken at 20, 40 and 47; the directory keeps the newest two.
  CHECK(troupe::test::names_in(dir.path()) ==
        std::vector<std::string>{"step_0000000040", "step_0000000047"});
  auto cp = ta::checkpoint::open(ta::checkpoint_path(dir.path(), 40), "acc").value();
  CHECK(cp.info().time == 20.0);
  CHECK(cp.info().layout == "3 accumulators");
  CHECK(cp.info().parameters == std::map<std::string, double>{{"gain", 1.0}});
  for (std::size_t r = 0; r < part_count; ++r) {
    auto s = ta::from_bytes<acc_state>(cp.read_part(r).value()).value();
    CHECK(s.step == 40);
    CHECK(s.trail.size() == 40);
  }
  auto last = ta::checkpoint::open(ta::checkpoint_path(dir.path(), 47), "acc").value();
  for (std::size_t r = 0; r < part_count; ++r)
    CHECK(same_bits(ta::from_bytes<acc_state>(last.read_part(r).value()).value(),
                    out->states().at(r)));
}

TEST_CASE("a restarted run resumes at its checkpoint with its parameters and ends with the "
          "same bits as an uninterrupted run",
          "[actors][driver][checkpoint]") {
  auto n = checkpoint_node();
  // Uninterrupted: gain 1 to step 20, then 3 (a change applied at the boundary after 20).
  scratch_dir whole_dir;
  auto whole = std::make_shared<finals>();
  auto dc = config(60, whole_dir.path(), 20);
  dc.every = 20;
  auto uninterrupted = run_to_end(n, dc, whole, std::nullopt, 3.0);
  REQUIRE(uninterrupted.changes.size() == 1);
  REQUIRE(uninterrupted.changes[0].step == 20);
  // Interrupted at 40 (the same change), restarted to 60 from the checkpoint of step 40.
  scratch_dir dir;
  dc.checkpoint_dir = dir.path();
  dc.steps = 40;
  run_to_end(n, dc, std::make_shared<finals>(), std::nullopt, 3.0);
  dc.steps = 60;
  auto from = ta::load_restart(dir.path(), "acc", dc.layout, part_count);
  REQUIRE(from);
  CHECK(from->step == 40);
  CHECK(from->values.get("gain") == 3.0);
  auto second_half = std::make_shared<finals>();
  auto done = run_to_end(n, dc, second_half, std::move(*from));
  CHECK(done.first == 40);
  CHECK(done.steps == 60);
  CHECK(done.final.get("gain") == 3.0);
  for (std::size_t r = 0; r < part_count; ++r) {
    CHECK(second_half->firsts().at(r) == 40);
    CHECK(same_bits(second_half->states().at(r), whole->states().at(r)));
  }
}

TEST_CASE("driver refuses checkpoint settings that cannot work, naming them",
          "[actors][driver][checkpoint]") {
  auto n = checkpoint_node();
  scratch_dir dir;
  auto out = std::make_shared<finals>();
  auto refused = [&](ta::driver_config dc) {
    auto run = ta::driver::start(n, dc, caf::make_message(out, true));
    REQUIRE_FALSE(run);
    return run.error().message();
  };
  CHECK(refused(config(50, dir.path(), 12)) ==
        "driver: checkpoints every 12 steps fall between the step boundaries (every 5 steps); "
        "make it a multiple of 5");
  CHECK(refused(config(50, "", 10)) == "driver: checkpoints every 10 steps need a directory to "
                                       "go into");
  auto file = dir / "file";
  std::ofstream{file} << "x";
  CHECK_THAT(refused(config(50, file / "sub", 10)), Catch::Contains(file.string()));
}

TEST_CASE("a restart refuses a checkpoint of another layout or past the run's steps",
          "[actors][driver][checkpoint]") {
  auto n = checkpoint_node();
  scratch_dir dir;
  run_to_end(n, config(30, dir.path(), 10), std::make_shared<finals>());
  auto other = ta::load_restart(dir.path(), "acc", "4 accumulators", 4);
  REQUIRE_FALSE(other);
  CHECK_THAT(other.error().message(),
             Catch::Contains("step_0000000030/manifest' was written for layout '3 "
                             "accumulators' in 3 parts, this run has '4 accumulators' in 4"));
  auto program = ta::load_restart(dir.path(), "heat2d", "3 accumulators", 3);
  REQUIRE_FALSE(program);
  CHECK_THAT(program.error().message(), Catch::Contains("of program 'acc', not 'heat2d'"));
  auto from = ta::load_restart(dir.path(), "acc", "3 accumulators", 3);
  REQUIRE(from);
  auto run = ta::driver::start(n, config(20, dir.path(), 10),
                               caf::make_message(std::make_shared<finals>(), true), *from);
  REQUIRE_FALSE(run);
  CHECK_THAT(run.error().message(),
             Catch::Contains("is at step 30, past the run's 20 steps; ask for at least 30 steps"));
}

TEST_CASE("a part that keeps no state fails a checkpointed run with a message saying what to do",
          "[actors][driver][checkpoint]") {
  auto n = checkpoint_node();
  scratch_dir dir;
  auto dc = config(30, dir.path(), 10);
  auto run = ta::driver::start(n, dc, caf::make_message(std::make_shared<finals>(), false)).value();
  go(n, run);
  auto done = run.wait(60s);
  REQUIRE_FALSE(done);
  CHECK_THAT(done.error().message(),
             Catch::Contains("checkpoint at step 10: part ") &&
                 Catch::Contains("keeps no state (it calls at_boundary without one)"));
}
