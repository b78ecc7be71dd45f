// The name registry on one node: a name goes with its actor and with unregister_name, and a
// taken name is refused naming its holder (across processes: tests/multinode/cluster.test.cpp).
#include <stdexcept>

#include <troupe/names.hpp>

#include <caf/send.hpp>

#include "fixture.hpp"

using namespace std::chrono_literals;
using troupe::test::start_node;

namespace {

troupe::behavior echo(troupe::context&) {
  return {[](int x) { return x; }};
}

} // namespace

TEST_CASE("a registered name goes when its actor ends", "[runtime][names]") {
  auto n = start_node(2);
  auto a = troupe::spawn(n, echo);
  REQUIRE(n.register_name("echo", a, 5s));
  auto found = n.lookup("echo", 5s);
  REQUIRE(found);
  CHECK(*found == a);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  CHECK(!n.wait(a, 10s)); // killed: an error, but it ended
  auto gone = n.lookup("echo", 5s);
  REQUIRE(!gone);
  CHECK(gone.error() == troupe::errc::no_such_name);
}

TEST_CASE("a taken name is refused naming its holder, and unregister_name frees it",
          "[runtime][names]") {
  auto n = start_node(2);
  auto a = troupe::spawn(n, echo);
  auto b = troupe::spawn(n, echo);
  REQUIRE(n.register_name("echo", a, 5s));
  auto taken = n.register_name("echo", b, 5s);
  REQUIRE(!taken);
  CHECK(taken.error() == troupe::errc::name_taken);
  CHECK_THAT(taken.error().message(),
             Catch::Contains("held by actor " + std::to_string(a.id()) + " on node "));
  auto freed = troupe::spawn(n, [](troupe::context& self) -> troupe::task<> {
    auto ok = co_await troupe::unregister_name(self, "echo", 5s);
    if (!ok)
      throw std::runtime_error(ok.error().message());
  });
  REQUIRE(n.wait(freed, 10s));
  CHECK(n.lookup("echo", 5s).error() == troupe::errc::no_such_name);
  CHECK(n.register_name("echo", b, 5s));
}
