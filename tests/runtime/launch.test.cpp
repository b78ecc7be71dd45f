// troupe::launch and node::wait: plain code waits for an actor and gets its value or what
// ended it.
#include "fixture.hpp"

#include <stdexcept>

using namespace troupe::test;

TEST_CASE("launch hands the coroutine's co_return value to plain code", "[runtime][launch]") {
  for (std::size_t threads : {1, 2, 4}) {
    CAPTURE(threads);
    auto n = start_node(threads);
    auto doubler = troupe::spawn(
        n, [](troupe::context&) -> troupe::behavior { return {[](int x) { return 2 * x; }}; });
    auto job = troupe::launch(
        n, {.name = "asker"},
        [doubler](troupe::context& self, int x) -> troupe::task<int> {
          auto r = co_await troupe::request<int>(self, doubler, 20s, x);
          co_return r.value() + 1;
        },
        20);
    auto got = job.get(20s);
    REQUIRE(got);
    CHECK(*got == 41);
  }
}

TEST_CASE("launch of a task<void> reports that it finished", "[runtime][launch]") {
  auto n = start_node(2);
  auto job = troupe::launch(
      n, [](troupe::context& self) -> troupe::task<> { co_await troupe::sleep(self, 1ms); });
  CHECK(job.get(20s));
}

TEST_CASE("launch turns an exception in the coroutine into errc::exception with its text",
          "[runtime][launch]") {
  auto n = start_node(2);
  auto job = troupe::launch(n, {.name = "thrower"}, [](troupe::context& self) -> troupe::task<int> {
    co_await troupe::sleep(self, 1ms);
    throw std::invalid_argument("no cells to fill");
  });
  auto got = job.get(20s);
  REQUIRE_FALSE(got);
  CHECK(got.error() == troupe::errc::exception);
  CHECK(got.error().message() == "no cells to fill");
  // The exception is also the actor's exit reason, as for any coroutine actor.
  auto ended = n.wait(job.actor(), 20s);
  REQUIRE_FALSE(ended);
  CHECK(ended.error() == troupe::errc::exception);
  CHECK(ended.error().message() == "no cells to fill");
}

TEST_CASE("launch passes on the error of a result whose value() threw in the coroutine",
          "[runtime][launch]") {
  auto n = start_node(2);
  auto silent = troupe::spawn(n, [](troupe::context&) -> troupe::behavior {
    return {[](int) -> troupe::task<int> { co_return 0; }, [](double) {}};
  });
  auto job = troupe::launch(n, [silent](troupe::context& self) -> troupe::task<int> {
    auto r = co_await troupe::request<int>(self, silent, 20s, std::string{"what?"});
    co_return r.value();
  });
  auto got = job.get(20s);
  REQUIRE_FALSE(got);
  CHECK(got.error() == troupe::errc::unexpected_message);
}

TEST_CASE("job::get times out while the coroutine runs and yields the value once it ends",
          "[runtime][launch]") {
  auto n = start_node(2);
  auto job = troupe::launch(n, [](troupe::context& self) -> troupe::task<std::string> {
    auto x = co_await troupe::receive<std::string>(self);
    co_return x + "!";
  });
  auto early = job.get(1ms);
  REQUIRE_FALSE(early);
  CHECK(early.error() == troupe::errc::timeout);
  caf::anon_send(job.actor(), std::string{"done"});
  auto got = job.get(20s);
  REQUIRE(got);
  CHECK(*got == "done!");
  auto again = job.get(20s);
  REQUIRE_FALSE(again);
  CHECK_THAT(again.error().message(), Catch::Contains("took the value already"));
}

TEST_CASE("job::get reports an actor stopped before its coroutine returned", "[runtime][launch]") {
  auto n = start_node(2);
  auto job = troupe::launch(n, [](troupe::context& self) -> troupe::task<int> {
    co_await troupe::sleep(self, troupe::infinite);
    co_return 1;
  });
  caf::anon_send_exit(job.actor(), caf::exit_reason::kill);
  auto got = job.get(20s);
  REQUIRE_FALSE(got);
  CHECK(got.error() == troupe::errc::actor_exited);
  CHECK_THAT(got.error().message(), Catch::Contains(" ended with ") && Catch::Contains("kill"));
}

TEST_CASE("node::wait returns when an actor ends, at once if it ended already",
          "[runtime][launch]") {
  auto n = start_node(2);
  auto quick = troupe::spawn(n, [](troupe::context&) -> troupe::task<> { co_return; });
  CHECK(n.wait(quick, 20s));
  CHECK(n.wait(quick, 20s)); // ended already: its down message comes at once
  auto waiter = troupe::spawn(
      n, [](troupe::context& self) -> troupe::task<> { co_await troupe::receive<int>(self); });
  auto still = n.wait(waiter, 1ms);
  REQUIRE_FALSE(still);
  CHECK(still.error() == troupe::errc::timeout);
  CHECK_THAT(still.error().message(), Catch::StartsWith("waiting for actor '"));
  caf::anon_send(waiter, 1);
  CHECK(n.wait(waiter));
}

TEST_CASE("node::wait reports the exit reason of an actor that threw or was killed",
          "[runtime][launch]") {
  auto n = start_node(2);
  auto thrower = troupe::spawn(n, [](troupe::context& self) -> troupe::task<> {
    co_await troupe::sleep(self, 1ms);
    throw std::runtime_error("the ponger ended before the game did");
  });
  auto threw = n.wait(thrower, 20s);
  REQUIRE_FALSE(threw);
  CHECK(threw.error() == troupe::errc::exception);
  CHECK(threw.error().message() == "the ponger ended before the game did");
  auto victim = troupe::spawn(n, {.name = "victim"}, [](troupe::context& self) -> troupe::task<> {
    co_await troupe::receive<int>(self);
  });
  caf::anon_send_exit(victim, caf::exit_reason::kill);
  auto killed = n.wait(victim, 20s);
  REQUIRE_FALSE(killed);
  CHECK(killed.error() == troupe::errc::actor_exited);
  CHECK_THAT(killed.error().message(), Catch::StartsWith("actor 'victim' (id "));
}
