// The cluster await graph: the cycle finder as a pure function (edges in, cycles out), a node's
// edges from its snapshot, and `/api/v1/awaits` of an in-process node with a deadlock.
#include <functional>

#include <boost/json.hpp>

#include <support/http.hpp>

#include "fixture.hpp"
#include "internal/await_graph.hpp"

using namespace troupe::test;
namespace awaits = troupe::detail::awaits;
namespace json = boost::json;

namespace {

awaits::end at(const std::string& node, std::uint64_t actor) {
  return {node, actor, "a" + std::to_string(actor)};
}

awaits::edge reply(awaits::end from, awaits::end to) {
  awaits::edge e;
  e.from = std::move(from);
  e.kind = static_cast<std::uint8_t>(troupe::await_info::kind::reply);
  e.to = std::move(to);
  return e;
}

awaits::edge other(awaits::end from, troupe::await_info::kind k) {
  awaits::edge e;
  e.from = std::move(from);
  e.kind = static_cast<std::uint8_t>(k);
  e.what = "int";
  return e;
}

// "a1@n:1 a2@n:2": a cycle's actors in order.
std::string spelled(const awaits::cycle& c) {
  std::string out;
  for (auto& e : c)
    out += (out.empty() ? "" : " ") + e.name + "@" + e.node;
  return out;
}

std::vector<std::string> cycles_of(const std::vector<awaits::edge>& edges) {
  auto found = awaits::find_cycles(edges);
  CHECK_FALSE(found.truncated);
  std::vector<std::string> out;
  for (auto& c : found.cycles)
    out.push_back(spelled(c));
  return out;
}

} // namespace

TEST_CASE("the cycle finder finds no cycle in a chain of awaits, nor in other kinds of awaits",
          "[runtime][awaits]") {
  using k = troupe::await_info::kind;
  CHECK(cycles_of({}).empty());
  CHECK(cycles_of({reply(at("n", 1), at("n", 2)), reply(at("n", 2), at("n", 3)),
                   reply(at("m", 3), at("n", 1)), other(at("n", 3), k::receive),
                   other(at("n", 2), k::kernel), other(at("n", 1), k::timer)})
            .empty());
}

TEST_CASE("the cycle finder reports a 2-cycle once, from its least actor", "[runtime][awaits]") {
  CHECK(cycles_of({reply(at("n", 7), at("n", 3)), reply(at("n", 3), at("n", 7))}) ==
        std::vector<std::string>{"a3@n a7@n"});
}

TEST_CASE("the cycle finder tells actors of equal ids on different nodes apart",
          "[runtime][awaits]") {
  // 5@x awaits 5@y awaits 5@x: a cycle across two nodes, of actors with one id.
  CHECK(cycles_of({reply(at("x", 5), at("y", 5)), reply(at("y", 5), at("x", 5))}) ==
        std::vector<std::string>{"a5@x a5@y"});
  // 5@x awaits 5@y, which awaits nothing: no cycle, although the ids are equal.
  CHECK(cycles_of({reply(at("x", 5), at("y", 5))}).empty());
}

TEST_CASE("the cycle finder reports a 3-cycle across three nodes with its chain in order",
          "[runtime][awaits]") {
  CHECK(cycles_of({reply(at("c:3", 9), at("a:1", 4)), reply(at("a:1", 4), at("b:2", 6)),
                   reply(at("b:2", 6), at("c:3", 9))}) ==
        std::vector<std::string>{"a4@a:1 a6@b:2 a9@c:3"});
}

TEST_CASE("the cycle finder reports two separate cycles, and a self-await", "[runtime][awaits]") {
  CHECK(cycles_of({reply(at("n", 1), at("n", 2)), reply(at("n", 2), at("n", 1)),
                   reply(at("m", 1), at("m", 2)), reply(at("m", 2), at("m", 3)),
                   reply(at("m", 3), at("m", 1)), reply(at("o", 8), at("o", 8))}) ==
        std::vector<std::string>{"a1@m a2@m a3@m", "a1@n a2@n", "a8@o"});
}

TEST_CASE("the cycle finder reports the cycle a chain runs into, not the chain",
          "[runtime][awaits]") {
  // 1 -> 2 -> 3 -> 4 -> 2: the cycle is 2 3 4; 1 only waits on it.
  CHECK(cycles_of({reply(at("n", 1), at("n", 2)), reply(at("n", 2), at("n", 3)),
                   reply(at("n", 3), at("n", 4)), reply(at("n", 4), at("n", 2))}) ==
        std::vector<std::string>{"a2@n a3@n a4@n"});
}

TEST_CASE("the cycle finder reports both cycles through an actor awaiting two replies",
          "[runtime][awaits]") {
  // 1 awaits 2 and 3 (two requests at once); each awaits 1.
  CHECK(cycles_of({reply(at("n", 1), at("n", 2)), reply(at("n", 1), at("n", 3)),
                   reply(at("n", 2), at("n", 1)), reply(at("n", 3), at("n", 1))}) ==
        std::vector<std::string>{"a1@n a2@n", "a1@n a3@n"});
}

TEST_CASE("the cycle finder stops at its limit and says the result is truncated",
          "[runtime][awaits]") {
  std::vector<awaits::edge> edges;
  for (std::uint64_t i = 0; i < 10; ++i)
    edges.push_back(reply(at("n", i), at("n", i)));
  auto found = awaits::find_cycles(edges, 4);
  CHECK(found.cycles.size() == 4);
  CHECK(found.truncated);
}

TEST_CASE("a node's edges name the awaited actor's node, this one's when it is local",
          "[runtime][awaits]") {
  troupe::snapshot s;
  troupe::actor_info a;
  a.id = 3;
  a.name = "asker";
  troupe::await_info local;
  local.peer = 4;
  troupe::await_info remote;
  remote.peer = 4;
  remote.peer_node = "127.0.0.1:5000";
  a.awaits = {local, remote};
  troupe::actor_info b;
  b.id = 4;
  b.name = "answerer";
  s.actors = {a, b};
  auto edges = awaits::edges_of(s, "127.0.0.1:4000");
  REQUIRE(edges.size() == 2);
  CHECK(edges[0].from.node == "127.0.0.1:4000");
  CHECK(edges[0].from.name == "asker");
  CHECK(edges[0].to.node == "127.0.0.1:4000");
  CHECK(edges[0].to.name == "answerer");
  CHECK(edges[1].to.node == "127.0.0.1:5000");
  CHECK(edges[1].to.actor == 4);
  CHECK(edges[1].to.name.empty()); // actor 4 of another node is not this node's "answerer"
}

TEST_CASE("/api/v1/awaits of one node reports two actors awaiting each other's replies as a "
          "cycle",
          "[runtime][awaits][monitor]") {
  troupe::node_config cfg{"test"};
  cfg.threads = 2;
  auto n = troupe::node::start(std::move(cfg));
  REQUIRE(n);
  REQUIRE(n->monitor_address());
  // `ping` asks `pong` to ask `ping` back, which never answers from its body: a deadlock.
  auto pong = troupe::spawn(*n, {.name = "pong"}, [](troupe::context& self) -> troupe::behavior {
    return {[&self](caf::actor back) -> troupe::task<int> {
      auto r = co_await troupe::request<int>(self, back, 1h, 1);
      co_return r ? *r : 0;
    }};
  });
  auto ping = troupe::spawn(*n, {.name = "ping"}, [pong](troupe::context& self) -> troupe::task<> {
    (void)co_await troupe::request<int>(self, pong, 1h, caf::actor_cast<caf::actor>(&self));
  });
  auto deadline = std::chrono::steady_clock::now() + 20s;
  json::value graph;
  for (;;) {
    http_client c{n->monitor_address()->port};
    REQUIRE(c.get("/api/v1/awaits"));
    auto r = c.response(10s);
    REQUIRE(r.status == 200);
    graph = json::parse(r.body);
    if (!graph.at("cycles").as_array().empty())
      break;
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("/api/v1/awaits never showed the ping-pong cycle; last answer: " << r.body);
  }
  auto& cycles = graph.at("cycles").as_array();
  REQUIRE(cycles.size() == 1);
  auto& chain = cycles[0].as_array();
  REQUIRE(chain.size() == 2);
  // The cycle starts at the least actor id: pong's (spawned first).
  CHECK(chain[0].at("actor").as_int64() == static_cast<std::int64_t>(pong.id()));
  CHECK(chain[0].at("name").as_string() == "pong");
  CHECK(chain[1].at("actor").as_int64() == static_cast<std::int64_t>(ping.id()));
  CHECK(chain[1].at("name").as_string() == "ping");
  CHECK(chain[0].at("node") == chain[1].at("node"));
  auto& members = graph.at("members").as_array();
  REQUIRE(members.size() == 1);
  CHECK(members[0].at("answered").as_bool());
  CHECK(members[0].at("node") == chain[0].at("node"));
  std::size_t replies = 0;
  for (auto& e : graph.at("edges").as_array())
    if (e.at("kind").as_string() == "reply") {
      ++replies;
      CHECK(e.at("waiting_seconds").as_double() >= 0);
      CHECK(e.at("to").at("name").as_string().size() > 0);
    }
  CHECK(replies == 2);
}
