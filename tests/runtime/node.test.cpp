#include <future>
#include <troupe/troupe.hpp>

#include <catch2/catch.hpp>

using namespace std::chrono_literals;

TEST_CASE("node runs a coroutine actor that awaits a reply", "[runtime][node]") {
  troupe::node_config cfg;
  auto n = troupe::node::start(cfg);
  REQUIRE(n);
  auto doubler = troupe::spawn(*n, [](troupe::context&) -> troupe::behavior {
    return {[](int x) { return 2 * x; }};
  });
  std::promise<int> got;
  troupe::spawn(*n, [&got, doubler](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<int>(self, doubler, 5s, 21);
    got.set_value(r ? *r : -1);
  });
  auto f = got.get_future();
  REQUIRE(f.wait_for(10s) == std::future_status::ready);
  CHECK(f.get() == 42);
}
