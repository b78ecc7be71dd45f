// A user's program built against an installed troupe: starts a node, spawns a coroutine actor
// that awaits a reply from a behavior actor, and exits 0 only if the reply is right.
#include <chrono>
#include <future>
#include <iostream>

#include <troupe/troupe.hpp>

using namespace std::chrono_literals;

int main(int argc, char** argv) {
  troupe::node_config cfg{"troupe_consumer", "find_package(troupe) smoke test"};
  return troupe::run(cfg, argc, argv, [](troupe::node& n) {
    auto doubler = troupe::spawn(n, {.name = "doubler"}, [](troupe::context&) -> troupe::behavior {
      return {[](int x) { return 2 * x; }};
    });
    auto got = std::make_shared<std::promise<int>>();
    troupe::spawn(n, {.name = "asker"}, [got, doubler](troupe::context& self) -> troupe::task<> {
      auto r = co_await troupe::request<int>(self, doubler, 10s, 21);
      if (!r)
        std::cerr << "troupe_consumer: request failed: " << r.error().message() << '\n';
      got->set_value(r ? *r : -1);
    });
    auto f = got->get_future();
    if (f.wait_for(30s) != std::future_status::ready) {
      std::cerr << "troupe_consumer: no reply within 30 s\n";
      return 1;
    }
    auto value = f.get();
    std::cout << "troupe_consumer: 2 * 21 = " << value << '\n';
    return value == 42 ? 0 : 1;
  });
}
