// The task farm (troupe/actors/farm.hpp) on one node: every task's outcome exactly once and in
// task order, tasks of workers that throw or are killed retried on others, a task that keeps
// killing its workers reported failed by id while the rest complete.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <caf/send.hpp>

#include <troupe/actors/farm.hpp>
#include <troupe/troupe.hpp>

namespace ta = troupe::actors;
using namespace std::chrono_literals;

namespace {

// How often each task was started, across all workers of a test.
struct starts {
  std::mutex mtx;
  std::map<std::int64_t, int> count;
  caf::actor sleeper; // the worker that took task 50

  int note(std::int64_t task) {
    std::lock_guard<std::mutex> guard{mtx};
    return ++count[task];
  }
};

starts& started() {
  static starts s;
  return s;
}

// Task t: its square. Tasks 10..19 throw on their first start, 20..29 kill their worker on the
// first start, 30 kills its worker every time, 31 throws every time; task 40 awaits a sleep
// first; task 50 never ends.
troupe::task<std::int64_t> square(troupe::context& self, const std::int64_t& t) {
  auto n = started().note(t);
  if ((t >= 10 && t < 20 && n == 1) || t == 31)
    throw std::runtime_error("task " + std::to_string(t) + " broke its worker");
  if ((t >= 20 && t < 30 && n == 1) || t == 30) {
    self.send_exit(self.handle(), caf::exit_reason::kill);
    co_await troupe::sleep(self, troupe::infinite);
  }
  if (t == 40)
    co_await troupe::sleep(self, std::chrono::milliseconds{1});
  if (t == 50) { // never done
    {
      std::lock_guard<std::mutex> guard{started().mtx};
      started().sleeper = self.handle();
    }
    co_await troupe::sleep(self, troupe::infinite);
  }
  co_return t* t;
}

troupe::node farm_node(std::size_t threads) {
  troupe::node_config cfg{"test"};
  cfg.threads = threads;
  ta::add_farm_types(cfg);
  cfg.add_actor_type("square", ta::farm_worker<std::int64_t>(square));
  // A plain function (a behavior worker, no coroutine): task 3 always throws.
  cfg.add_actor_type("negate", ta::farm_worker<std::int64_t>(
                                   [](troupe::context&, const std::int64_t& t) -> std::int64_t {
                                     if (t == 3)
                                       throw std::runtime_error("three is not negated");
                                     return -t;
                                   }));
  auto n = troupe::node::start(std::move(cfg));
  if (!n)
    FAIL("node did not start: " << n.error().message());
  return std::move(*n);
}

std::vector<std::int64_t> first(std::int64_t count) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i)
    v[static_cast<std::size_t>(i)] = i;
  return v;
}

} // namespace

TEST_CASE("farm gives every task's result once, in task order", "[actors][farm]") {
  auto n = farm_node(2);
  ta::farm_options opts{.worker_type = "square",
                        .workers_per_node = 3,
                        .in_flight = 2,
                        .timeout = std::chrono::seconds{60}};
  std::vector<std::int64_t> tasks{1, 2, 3, 4, 5, 6, 7, 8, 9, 40, 41, 42, 43};
  std::multiset<std::uint64_t> streamed;
  auto done = ta::run_farm<std::int64_t, std::int64_t>(
      n, opts, tasks, [&](const ta::farm_outcome<std::int64_t>& o) { streamed.insert(o.id); });
  REQUIRE(done);
  REQUIRE(done->size() == tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    CHECK((*done)[i].id == i);
    REQUIRE((*done)[i].value);
    CHECK(*(*done)[i].value == tasks[i] * tasks[i]);
    CHECK((*done)[i].attempts == 1);
    CHECK(streamed.count(i) == 1);
  }
}

TEST_CASE("farm retries the task of a worker that threw or was killed, and reports a task that "
          "keeps killing its workers as failed by id",
          "[actors][farm]") {
  auto n = farm_node(2);
  ta::farm_options opts{.worker_type = "square",
                        .workers_per_node = 2,
                        .max_attempts = 3,
                        .timeout = std::chrono::seconds{60}};
  auto tasks = first(35);
  ta::farm_summary summary;
  auto done = ta::run_farm<std::int64_t, std::int64_t>(n, opts, tasks, {}, &summary);
  REQUIRE(done);
  REQUIRE(done->size() == 35);
  for (std::int64_t t = 0; t < 35; ++t) {
    const auto& o = (*done)[static_cast<std::size_t>(t)];
    CAPTURE(t);
    if (t == 30 || t == 31) {
      REQUIRE_FALSE(o.value);
      CHECK(o.attempts == 3);
      CHECK_THAT(o.value.error().message(), Catch::StartsWith("task " + std::to_string(t) +
                                                              " failed 3 times; its last "
                                                              "worker: "));
      if (t == 31) // the exception's text
        CHECK_THAT(o.value.error().message(), Catch::Contains("task 31 broke its worker"));
      continue;
    }
    REQUIRE(o.value);
    CHECK(*o.value == t * t);
    CHECK(o.attempts == ((t >= 10 && t < 30) ? 2 : 1));
  }
  CHECK(summary.failed == 2);
  CHECK(summary.workers_lost == 20 + 3 + 3);
}

TEST_CASE("farm charges a dead worker's attempt only to the task it ran, not to the one it held",
          "[actors][farm]") {
  // One worker holds task 30 (which kills it) and task 1 behind it: task 1 never started, so
  // with one attempt allowed it still runs on the replacement worker.
  auto n = farm_node(1);
  ta::farm_options opts{.worker_type = "square",
                        .workers_per_node = 1,
                        .prefetch = 1,
                        .max_attempts = 1,
                        .timeout = std::chrono::seconds{60}};
  auto done = ta::run_farm<std::int64_t, std::int64_t>(n, opts, {30, 1});
  REQUIRE(done);
  REQUIRE(done->size() == 2);
  CHECK_FALSE((*done)[0].value);
  REQUIRE((*done)[1].value);
  CHECK(*(*done)[1].value == 1);
  CHECK((*done)[1].attempts == 1);
}

TEST_CASE("farm with plain-function workers retries and reports a throwing task with its text",
          "[actors][farm]") {
  auto n = farm_node(2);
  ta::farm_options opts{.worker_type = "negate",
                        .workers_per_node = 2,
                        .max_attempts = 2,
                        .timeout = std::chrono::seconds{60}};
  auto done = ta::run_farm<std::int64_t, std::int64_t>(n, opts, first(8));
  REQUIRE(done);
  for (std::int64_t t = 0; t < 8; ++t) {
    const auto& o = (*done)[static_cast<std::size_t>(t)];
    if (t == 3) {
      REQUIRE_FALSE(o.value);
      CHECK(o.attempts == 2);
      CHECK_THAT(o.value.error().message(), Catch::Contains("three is not negated"));
    } else {
      REQUIRE(o.value);
      CHECK(*o.value == -t);
    }
  }
}

TEST_CASE("farm fails naming the worker type when no worker can start", "[actors][farm]") {
  auto n = farm_node(1);
  ta::farm_options opts{.worker_type = "no-such-worker"};
  auto done = ta::run_farm<std::int64_t, std::int64_t>(n, opts, first(3));
  REQUIRE_FALSE(done);
  CHECK_THAT(done.error().message(),
             Catch::StartsWith("farm: worker of type 'no-such-worker' on this node"));
}

namespace {

using outcomes = std::vector<ta::farm_outcome<std::int64_t>>;

// From a coroutine: the first `in_order` outcomes taken in task order, the rest as they settle.
troupe::task<troupe::result<outcomes>> farm_from_coroutine(troupe::context& self, troupe::node* n,
                                                           ta::farm_options opts,
                                                           std::vector<std::int64_t> tasks,
                                                           std::size_t in_order) {
  auto farm = co_await ta::start_farm<std::int64_t, std::int64_t>(self, *n, opts, tasks);
  if (!farm)
    co_return farm.error();
  outcomes out;
  for (std::size_t k = 0; k < in_order; ++k) {
    auto o = co_await farm->next_in_order(self);
    if (!o)
      co_return o.error();
    if (!*o)
      break;
    out.push_back(std::move(**o));
  }
  for (;;) {
    auto o = co_await farm->next(self);
    if (!o)
      co_return o.error();
    if (!*o)
      break;
    out.push_back(std::move(**o));
  }
  if (farm->summary().tasks != tasks.size())
    co_return troupe::error{troupe::errc::bad_option, "the summary counts another number"};
  co_return out;
}

} // namespace

TEST_CASE("farm started from a coroutine gives every outcome once, in task order or as they "
          "settle",
          "[actors][farm]") {
  auto n = farm_node(2);
  ta::farm_options opts{.worker_type = "square", .workers_per_node = 3};
  std::vector<std::int64_t> tasks{1, 2, 3, 40, 4, 5, 6, 7, 8, 9, 41, 42};
  auto in_order = GENERATE(std::size_t{0}, std::size_t{5}, std::size_t{12});
  CAPTURE(in_order);
  auto ran = troupe::launch(n, farm_from_coroutine, &n, opts, tasks, in_order).get(60s);
  REQUIRE(ran);
  auto& got = *ran;
  REQUIRE(got);
  REQUIRE(got->size() == tasks.size());
  std::set<std::uint64_t> ids;
  for (std::size_t k = 0; k < got->size(); ++k) {
    const auto& o = (*got)[k];
    if (k < in_order)
      CHECK(o.id == k);
    ids.insert(o.id);
    REQUIRE(o.value);
    CHECK(*o.value == tasks[o.id] * tasks[o.id]);
  }
  CHECK(ids.size() == tasks.size());
}

TEST_CASE("farm started from a coroutine fails after its timeout and ends its workers",
          "[actors][farm]") {
  auto n = farm_node(2);
  // No task held behind task 50, which never ends: the other two settle.
  ta::farm_options opts{.worker_type = "square",
                        .workers_per_node = 2,
                        .prefetch = 0,
                        .timeout = std::chrono::milliseconds{300}};
  auto ran = troupe::launch(n, farm_from_coroutine, &n, opts, std::vector<std::int64_t>{1, 50, 2},
                            std::size_t{0})
                 .get(60s);
  REQUIRE(ran);
  auto& got = *ran;
  REQUIRE_FALSE(got);
  CHECK(got.error() == troupe::errc::timeout);
  CHECK_THAT(got.error().message(),
             Catch::StartsWith("farm: not done after its timeout (2 of 3 tasks settled)"));
  // The master was ended; its workers end with it, also the one still in task 50's sleep.
  caf::actor sleeper;
  {
    std::lock_guard<std::mutex> guard{started().mtx};
    sleeper = std::exchange(started().sleeper, caf::actor{});
  }
  REQUIRE(sleeper);
  auto ended = n.wait(sleeper, 10s);
  INFO("the worker in task 50: " << (ended ? "ended" : ended.error().message()));
  CHECK((ended || ended.error() != troupe::errc::timeout));
}
