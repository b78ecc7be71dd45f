// pick_member: which member a placement picks, without a cluster.
#include <troupe/placement.hpp>

#include <catch2/catch.hpp>

namespace {

troupe::member make(std::uint32_t pid, double busy,
                    troupe::member_state state = troupe::member_state::up) {
  troupe::member m;
  m.id = *caf::make_node_id(pid, "0123456789012345678901234567890123456789");
  m.address = {"127.0.0.1", static_cast<std::uint16_t>(4000 + pid)};
  m.busy = busy;
  m.state = state;
  return m;
}

std::uint16_t port_of(const troupe::result<troupe::member>& m) {
  REQUIRE(m);
  return m->address.port;
}

} // namespace

TEST_CASE("round robin takes the members up in turn and skips those down or left",
          "[runtime][placement]") {
  std::vector<troupe::member> ms{make(1, 0), make(2, 0, troupe::member_state::down), make(3, 0),
                                 make(4, 0, troupe::member_state::left),
                                 make(5, 0, troupe::member_state::suspect)};
  auto rr = troupe::placement::round_robin();
  CHECK(port_of(troupe::pick_member(ms, rr, 0)) == 4001);
  CHECK(port_of(troupe::pick_member(ms, rr, 1)) == 4003);
  CHECK(port_of(troupe::pick_member(ms, rr, 2)) == 4005);
  CHECK(port_of(troupe::pick_member(ms, rr, 3)) == 4001);
}

TEST_CASE("least busy picks the idlest member and spreads ties", "[runtime][placement]") {
  std::vector<troupe::member> ms{make(1, 0.9), make(2, 0.10), make(3, 0.12), make(4, 0.5)};
  auto lb = troupe::placement::least_busy();
  CHECK(port_of(troupe::pick_member(ms, lb, 0)) == 4002);
  CHECK(port_of(troupe::pick_member(ms, lb, 1)) == 4003);
  CHECK(port_of(troupe::pick_member(ms, lb, 2)) == 4002);
}

TEST_CASE("a placement on a node that is not a member up fails naming the node",
          "[runtime][placement]") {
  std::vector<troupe::member> ms{make(1, 0), make(2, 0, troupe::member_state::down)};
  auto down = troupe::pick_member(ms, troupe::placement::on(ms[1].id), 0);
  REQUIRE(!down);
  CHECK(down.error() == troupe::errc::unreachable);
  CHECK_THAT(down.error().message(), Catch::Contains("is not a member up"));
  CHECK(port_of(troupe::pick_member(ms, troupe::placement::on(ms[0].id), 0)) == 4001);
  CHECK(!troupe::pick_member({}, troupe::placement::round_robin(), 0));
}
