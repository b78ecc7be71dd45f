#include "group_fixture.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

using namespace troupe::test;
using troupe::actors::group;

TEST_CASE("spawn_group gives each member its rank in spawn order and its name", "[actors][group]") {
  auto n = group_node(2);
  auto seen = std::make_shared<lines>(3);
  auto g = troupe::actors::spawn_group(
      n, 3, {.name = "part"}, [seen](troupe::context& self, group g) -> troupe::task<> {
        auto rank = rank_in(self, g);
        seen->add(rank, std::string{self.name()} + " of " + std::to_string(g.size()));
        co_return;
      });
  await_members(n, g);
  CHECK(seen->get() ==
        std::vector<std::vector<std::string>>{{"part-0 of 3"}, {"part-1 of 3"}, {"part-2 of 3"}});
  CHECK(g.describe(1) == "rank 1, actor 'part-1' (id " + std::to_string(g[1].id()) + ")");
  CHECK_FALSE(g.rank_of(caf::actor_addr{}));
}

TEST_CASE("groups made of the same members have different ids", "[actors][group]") {
  auto n = group_node(1);
  auto a = troupe::spawn(n, [](troupe::context&) -> troupe::task<> { co_return; });
  group g1{{a}};
  group g2{{a}};
  CHECK(g1.id() != 0);
  CHECK(g1.id() != g2.id());
  CHECK_FALSE(g1 == g2);
  auto copy = g1;
  CHECK(copy == g1);
}

TEST_CASE("a group read back from its serialised form keeps its id, members and their names",
          "[actors][group]") {
  troupe::node_config cfg{"test"};
  troupe::actors::add_collective_types(cfg);
  auto started = troupe::node::start(std::move(cfg));
  REQUIRE(started);
  auto& n = *started;
  auto a = troupe::spawn(n, {.name = "left"}, [](troupe::context& self) -> troupe::task<> {
    co_await troupe::receive<int>(self);
  });
  auto b = troupe::spawn(n, {.name = "right"}, [](troupe::context& self) -> troupe::task<> {
    co_await troupe::receive<int>(self);
  });
  group g{{a, b}};
  auto msg = caf::make_message(g);
  std::vector<char> buf;
  caf::binary_serializer sink{n.system(), buf};
  REQUIRE_FALSE(msg.save(sink));
  caf::message back;
  caf::binary_deserializer source{n.system(), buf};
  REQUIRE_FALSE(back.load(source));
  REQUIRE(back.match_elements<group>());
  auto& h = back.get_as<group>(0);
  CHECK(h.id() == g.id());
  CHECK(h.members() == g.members());
  CHECK(h.describe(1) == "rank 1, actor 'right' (id " + std::to_string(b.id()) + ")");
  caf::anon_send(a, 0);
  caf::anon_send(b, 0);
}
