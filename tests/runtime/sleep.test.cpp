#include "fixture.hpp"

using namespace troupe::test;

TEST_CASE("sleep suspends for at least its duration", "[runtime][sleep]") {
  auto n = start_node(2);
  outcome<std::chrono::steady_clock::duration> got;
  troupe::spawn(n, [p = got.promise](troupe::context& self) -> troupe::task<> {
    auto t0 = std::chrono::steady_clock::now();
    co_await troupe::sleep(self, 30ms);
    p->set_value(std::chrono::steady_clock::now() - t0);
  });
  CHECK(got.get("the sleeper") >= 30ms);
}

TEST_CASE("sleep in a coroutine handler leaves the actor serving other messages",
          "[runtime][sleep][behavior]") {
  auto n = start_node(1);
  auto server = troupe::spawn(n, [](troupe::context& self) -> troupe::behavior {
    return {
        [&self](std::string) -> troupe::task<int> {
          co_await troupe::sleep(self, 10h);
          co_return 0;
        },
        [](int x) { return x + 1; },
    };
  });
  caf::scoped_actor client{n.system()};
  client->send(server, std::string{"sleep for ten hours"});
  int got = 0;
  client->request(server, std::chrono::seconds(10), 41)
      .receive([&](int v) { got = v; }, [&](caf::error& e) { FAIL(n.system().render(e)); });
  CHECK(got == 42);
  // The node's destructor ends the actor and destroys the ten-hour frame.
}

TEST_CASE("sleep for troupe::infinite lasts until the actor ends", "[runtime][sleep]") {
  auto n = start_node(2);
  auto woke = std::make_shared<std::atomic<bool>>(false);
  auto a = troupe::spawn(n, [woke](troupe::context& self) -> troupe::task<> {
    co_await troupe::sleep(self, troupe::infinite);
    woke->store(true);
  });
  // A sleeper woken early would have ended its body: the actor ends only from the kill below.
  caf::scoped_actor watcher{n.system()};
  watcher->monitor(a);
  bool ended = false;
  watcher->receive([&](caf::down_msg&) { ended = true; },
                   caf::after(std::chrono::milliseconds(300)) >> [] {});
  CHECK_FALSE(ended);
  caf::anon_send_exit(a, caf::exit_reason::kill);
  CHECK_THAT(exit_reason_of(n.system(), a), Catch::Contains("kill"));
  CHECK_FALSE(woke->load());
}

TEST_CASE("a timer ends with its await: a finished actor does not wait for its timeouts",
          "[runtime][sleep][receive]") {
  auto n = start_node(2);
  auto capture = std::make_shared<int>(1);
  std::weak_ptr<int> watch = capture;
  auto a = troupe::spawn(n, [capture](troupe::context& self) -> troupe::task<> {
    for (int i = 0; i < 1000; ++i) // each satisfied at once, each with a one-hour timer
      if (!co_await troupe::receive<int>(self, 1h))
        co_return;
  });
  capture.reset();
  for (int i = 0; i < 1000; ++i)
    caf::anon_send(a, i);
  CHECK(exit_reason_of(n.system(), a) == n.system().render(caf::error{}));
  a = nullptr;
  // The body's captures live in the actor, which a pending timer would keep for an hour.
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!watch.expired() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  CHECK(watch.expired());
}
