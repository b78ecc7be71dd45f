#include "fixture.hpp"

#include <stdexcept>
#include <vector>

using namespace troupe::test;
using go_atom = caf::atom_constant<caf::atom("go")>;

namespace {

troupe::behavior doubler(troupe::context&) {
  return {[](int x) { return 2 * x; }};
}

troupe::task<int> thrower(troupe::context& self) {
  co_await troupe::sleep(self, 1ms);
  throw std::runtime_error("tile 2 diverged");
}

} // namespace

TEST_CASE("when_all awaits receives and requests at once and yields every value",
          "[runtime][when_all]") {
  auto n = start_node(2);
  auto d = troupe::spawn(n, doubler);
  outcome<std::string> got;
  auto a = troupe::spawn(n, [d, p = got.promise](troupe::context& self) -> troupe::task<> {
    auto all = co_await troupe::when_all(troupe::receive<std::string>(self),
                                         troupe::request<int>(self, d, 10s, 21),
                                         troupe::receive<go_atom>(self), troupe::sleep(self, 1ms));
    if (!all) {
      p->set_value(all.error().message());
      co_return;
    }
    auto& [s, x, go, nothing] = *all;
    p->set_value(s + " " + std::to_string(x));
  });
  caf::anon_send(a, go_atom::value); // arrives first: the receives wait in parallel
  caf::anon_send(a, std::string{"answer"});
  CHECK(got.get("when_all") == "answer 42");
}

TEST_CASE("when_all reports which await failed, after every await ended", "[runtime][when_all]") {
  auto n = start_node(2);
  outcome<std::string> got;
  troupe::spawn(n, [p = got.promise](troupe::context& self) -> troupe::task<> {
    auto all = co_await troupe::when_all(troupe::sleep(self, 1ms), troupe::receive<int>(self, 20ms),
                                         thrower(self));
    p->set_value(all ? "all ok" : all.error().message());
  });
  CHECK(got.get("when_all") == "when_all: await 2 of 3 failed: receive of (int) timed out");
}

TEST_CASE("when_all turns an exception into errc::exception naming the await",
          "[runtime][when_all]") {
  auto n = start_node(2);
  outcome<troupe::error> got;
  troupe::spawn(n, [p = got.promise](troupe::context& self) -> troupe::task<> {
    auto all = co_await troupe::when_all(troupe::sleep(self, 1ms), thrower(self));
    p->set_value(all ? troupe::error{} : all.error());
  });
  auto err = got.get("when_all");
  CHECK(err == troupe::errc::exception);
  CHECK(err.message() == "when_all: await 2 of 2 failed: tile 2 diverged");
}

TEST_CASE("when_all over a vector of receives by tag yields them in order", "[runtime][when_all]") {
  auto n = start_node(2);
  outcome<std::vector<int>> got;
  auto a = troupe::spawn(n, [p = got.promise](troupe::context& self) -> troupe::task<> {
    std::vector<decltype(troupe::receive<int, int>(self,
                                                   troupe::where(std::function<bool(int, int)>{})))>
        halos;
    for (int from = 0; from < 4; ++from) {
      std::function<bool(int, int)> want = [from](int f, int) { return f == from; };
      halos.push_back(troupe::receive<int, int>(self, troupe::where(want)));
    }
    auto all = co_await troupe::when_all(std::move(halos));
    std::vector<int> values;
    for (auto& [from, v] : all.value())
      values.push_back(v);
    p->set_value(values);
  });
  for (int from : {3, 1, 0, 2})
    caf::anon_send(a, from, 10 * from);
  CHECK(got.get("the four halos") == std::vector<int>{0, 10, 20, 30});
}

TEST_CASE("an actor ending during when_all destroys its waiting branches", "[runtime][when_all]") {
  auto n = start_node(2);
  outcome<bool> waiting;
  auto a = troupe::spawn(n, [p = waiting.promise](troupe::context& self) -> troupe::task<> {
    p->set_value(true);
    co_await troupe::when_all(troupe::receive<int>(self), troupe::sleep(self, 10h));
  });
  REQUIRE(waiting.get("the actor to start"));
  caf::anon_send_exit(a, caf::exit_reason::kill);
  CHECK_THAT(exit_reason_of(n.system(), a), Catch::Contains("kill"));
}
