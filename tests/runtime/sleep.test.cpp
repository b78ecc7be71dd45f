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
