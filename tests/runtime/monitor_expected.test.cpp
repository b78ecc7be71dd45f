// Receives that name their expected senders (troupe::expecting_from): the await graph draws an
// edge to each sender, and two actors each awaiting the other's message are a cycle.
#include <boost/json.hpp>

#include <troupe/receive.hpp>

#include "fixture.hpp"
#include "monitor_fixture.hpp"

using namespace troupe::test;
namespace json = boost::json;

namespace {

std::int64_t id_of(const caf::actor& a) {
  return static_cast<std::int64_t>(a.id());
}

// The edges of kind `kind` from actor `from`, as the ids they point at.
std::vector<std::int64_t> targets(const json::object& graph, std::int64_t from,
                                  std::string_view kind) {
  std::vector<std::int64_t> out;
  for (auto& e : graph.at("edges").as_array())
    if (e.at("kind").as_string() == kind && e.at("from").at("actor").as_int64() == from)
      out.push_back(e.at("to").as_object().contains("actor") ? e.at("to").at("actor").as_int64()
                                                             : 0);
  return out;
}

} // namespace

TEST_CASE("a receive naming its expected senders shows an edge to each, and a mutual wait is a "
          "cycle",
          "[runtime][monitor]") {
  auto n = start_monitored_node();
  // `first` waits for an int from `second` or `third`; `second` waits for one from `first`.
  auto third = troupe::spawn(n, {.name = "third"}, [](troupe::context& self) -> troupe::task<> {
    co_await troupe::receive<int>(self);
  });
  auto second = troupe::spawn(n, {.name = "second"}, [](troupe::context& self) -> troupe::task<> {
    auto first = co_await troupe::receive<caf::actor>(self);
    co_await troupe::receive<int>(self, troupe::expecting_from(first));
  });
  auto first =
      troupe::spawn(n, {.name = "first"}, [second, third](troupe::context& self) -> troupe::task<> {
        self.send(second, caf::actor_cast<caf::actor>(self.address()));
        co_await troupe::receive<int>(self, troupe::expecting_from(second, third));
      });
  auto graph =
      await_graph(n, "first -> second, third, second -> first and third's receive", [&](auto& g) {
        return targets(g, id_of(first), "receive").size() == 2 &&
               targets(g, id_of(second), "receive").size() == 1 &&
               targets(g, id_of(third), "receive").size() == 1;
      });
  CHECK(targets(graph, id_of(first), "receive") ==
        std::vector<std::int64_t>{id_of(second), id_of(third)});
  CHECK(targets(graph, id_of(second), "receive") == std::vector<std::int64_t>{id_of(first)});
  // `third` awaits any sender: an edge without a peer, which no cycle goes through.
  CHECK(targets(graph, id_of(third), "receive") == std::vector<std::int64_t>{0});
  auto& cycles = graph.at("cycles").as_array();
  REQUIRE(cycles.size() == 1);
  auto& chain = cycles[0].as_array();
  REQUIRE(chain.size() == 2);
  // A cycle starts at its least actor: `second`, spawned first.
  CHECK(chain[0].at("name").as_string() == "second");
  CHECK(chain[1].at("name").as_string() == "first");

  auto detail = json::parse(monitor_get(n, "/api/v1/actors/" + std::to_string(first.id())).body);
  auto& await = detail.at("actor").at("awaits").at(0);
  CHECK(await.at("expecting").as_string() == "receive");
  CHECK(await.at("senders").at(0).at("id").as_int64() == id_of(second));
  CHECK(!await.at("senders").at(0).as_object().contains("node"));
  caf::anon_send(first, 1);
  caf::anon_send(second, 1);
  caf::anon_send(third, 1);
}
