// The await graph of tile grids and collectives: a halo exchange names the neighbours whose halo
// of the step has not come, a collective the member it waits for (`/api/v1/awaits`), and an
// actor's await chain follows those awaits (`/api/v1/actors/{id}`).
#include "group_fixture.hpp"

#include <boost/json.hpp>

#include <runtime/monitor_fixture.hpp>
#include <troupe/actors/halo.hpp>
#include <troupe/actors/tile.hpp>

using namespace troupe::test;
namespace ta = troupe::actors;
namespace json = boost::json;

namespace {

// The ids that actor `from` awaits with edges of kind `kind`, in ascending order.
std::vector<std::uint64_t> awaited_by(const json::object& graph, const caf::actor& from,
                                      std::string_view kind) {
  std::vector<std::uint64_t> out;
  for (auto& e : graph.at("edges").as_array())
    if (e.at("kind").as_string() == kind &&
        e.at("from").at("actor").as_int64() == static_cast<std::int64_t>(from.id()))
      out.push_back(static_cast<std::uint64_t>(e.at("to").at("actor").as_int64()));
  std::sort(out.begin(), out.end());
  return out;
}

// The links of an actor's await chain (`/api/v1/actors/{id}`) at `depth` of kind `kind`, as
// "from>to" pairs of ids, in ascending order.
std::vector<std::pair<std::uint64_t, std::uint64_t>>
chain_links(const json::object& detail, std::size_t depth, std::string_view kind) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (auto& l : detail.at("await_chain").as_array())
    if (l.at("kind").as_string() == kind &&
        l.at("depth").as_int64() == static_cast<std::int64_t>(depth))
      out.emplace_back(l.at("from").as_int64(), l.at("to").as_int64());
  std::sort(out.begin(), out.end());
  return out;
}

// A part of a grid that exchanges one step; the part of rank `stalled` first awaits an int (the
// test's release), so its neighbours wait for its halo meanwhile.
troupe::task<> stalling_part(troupe::context& self, ta::group g, ta::tile_layout layout,
                             std::size_t stalled, std::shared_ptr<lines> out) {
  auto rank = rank_in(self, g);
  if (rank == stalled)
    co_await troupe::receive<int>(self);
  ta::halo_links links{g, layout, static_cast<std::int64_t>(rank)};
  ta::tile t{layout.extent(static_cast<std::int64_t>(rank))};
  auto ok = co_await ta::exchange_halos(self, links, t, 0);
  out->add(rank, ok ? "ok" : "error " + ok.error().message());
}

// A member of an allreduce; rank `stalled` first awaits an int (the test's release).
troupe::task<> stalling_member(troupe::context& self, ta::group g, std::size_t stalled,
                               std::shared_ptr<lines> out) {
  auto rank = rank_in(self, g);
  if (rank == stalled)
    co_await troupe::receive<int>(self);
  auto sum = co_await ta::allreduce(self, g, 1.0, ta::sum{});
  out->add(rank, show(sum));
}

// A 3×3 grid of 9×9 cells exchanging step 0, its centre standing still until the test sends it
// an int.
struct stalled_grid {
  static constexpr std::size_t centre = 4;
  troupe::node n = group_node(2);
  std::shared_ptr<lines> out = std::make_shared<lines>(9);
  ta::group g = ta::spawn_group(n, 9, {.name = "tile"}, stalling_part,
                                ta::tile_layout::make(9, 9, 3, 3).value(), centre, out);
};

} // namespace

TEST_CASE("a tile whose halo has not come is awaited by each of its neighbours in the await "
          "graph, and no cycle is reported",
          "[actors][halo][monitor]") {
  stalled_grid grid;
  auto& n = grid.n;
  auto& out = grid.out;
  auto& g = grid.g;
  constexpr auto centre = stalled_grid::centre;
  std::vector<std::uint64_t> stalled{g[centre].id()};
  // The corners need no halo of the centre: no graph shows one awaiting it, and they end step 0
  // while it stands still (before they handle their neighbours' edges they await those).
  bool corner_awaited_centre = false;
  auto graph = await_graph(n, "the centre's four neighbours awaiting its halo, the corners done",
                           [&](auto& graph) {
                             auto ended = out->get();
                             bool corners_done = true;
                             for (std::size_t r : {0, 2, 6, 8}) {
                               auto awaited = awaited_by(graph, g[r], "halo");
                               if (std::count(awaited.begin(), awaited.end(), stalled[0]) > 0)
                                 corner_awaited_centre = true;
                               corners_done = corners_done && awaited.empty() &&
                                              ended[r] == std::vector<std::string>{"ok"};
                             }
                             for (std::size_t r : {1, 3, 5, 7})
                               if (awaited_by(graph, g[r], "halo") != stalled)
                                 return false;
                             return corners_done;
                           });
  CHECK_FALSE(corner_awaited_centre);
  CHECK(graph.at("cycles").as_array().empty());
  caf::anon_send(g[centre], 1);
  await_members(n, g);
  for (auto& l : out->get())
    CHECK(l == std::vector<std::string>{"ok"});
}

TEST_CASE("a collective with a member missing names that member in the await graph",
          "[actors][collectives][monitor]") {
  auto n = group_node(2);
  auto out = std::make_shared<lines>(4);
  constexpr std::size_t missing = 3;
  auto g = ta::spawn_group(n, 4, {.name = "member"}, stalling_member, missing, out);
  // Recursive doubling: ranks 1 and 2 exchange with rank 3 in some round; rank 0 waits for 2.
  std::vector<std::uint64_t> absent{g[missing].id()};
  auto graph = await_graph(n, "ranks 1 and 2 awaiting rank 3 in the allreduce", [&](auto& graph) {
    return awaited_by(graph, g[1], "collective") == absent &&
           awaited_by(graph, g[2], "collective") == absent;
  });
  CHECK(awaited_by(graph, g[0], "collective") == std::vector<std::uint64_t>{g[2].id()});
  caf::anon_send(g[missing], 1);
  await_members(n, g);
  for (auto& l : out->get())
    CHECK(l == std::vector<std::string>{"ok 4.000000"});
}

TEST_CASE("a tile's await chain names the neighbour whose halo has not come, with kind halo",
          "[actors][halo][monitor]") {
  stalled_grid grid;
  auto& n = grid.n;
  auto& g = grid.g;
  constexpr auto centre = stalled_grid::centre;
  using link = std::pair<std::uint64_t, std::uint64_t>;
  // Tile 1 (top middle) needs the centre's halo; the centre awaits the test's int, no actor.
  auto detail =
      actor_detail(n, g[1].id(), "tile 1's chain naming the centre with kind halo", [&](auto& d) {
        return chain_links(d, 1, "halo") == std::vector<link>{{g[1].id(), g[centre].id()}};
      });
  auto& first = detail.at("await_chain").as_array().front().as_object();
  CHECK(first.at("peer_here").as_bool());
  CHECK(first.at("peer").at("id").as_int64() == static_cast<std::int64_t>(g[centre].id()));
  CHECK(detail.at("await_chain").as_array().size() == 1);
  CHECK_FALSE(detail.at("cycle").as_bool());
  caf::anon_send(g[centre], 1);
  await_members(n, g);
}

TEST_CASE("a collective member's await chain names the missing member, through the member it "
          "awaits",
          "[actors][collectives][monitor]") {
  auto n = group_node(2);
  auto out = std::make_shared<lines>(4);
  constexpr std::size_t missing = 3;
  auto g = ta::spawn_group(n, 4, {.name = "member"}, stalling_member, missing, out);
  using link = std::pair<std::uint64_t, std::uint64_t>;
  // Rank 0 waits for rank 2, which waits for the missing rank 3.
  auto detail =
      actor_detail(n, g[0].id(), "rank 0's chain reaching rank 3 through rank 2", [&](auto& d) {
        return chain_links(d, 1, "collective") == std::vector<link>{{g[0].id(), g[2].id()}} &&
               chain_links(d, 2, "collective") == std::vector<link>{{g[2].id(), g[missing].id()}};
      });
  CHECK(detail.at("await_chain").as_array().size() == 2);
  CHECK_FALSE(detail.at("cycle").as_bool());
  auto one = actor_detail(n, g[1].id(), "rank 1's chain naming rank 3", [&](auto& d) {
    return chain_links(d, 1, "collective") == std::vector<link>{{g[1].id(), g[missing].id()}};
  });
  CHECK(one.at("await_chain").as_array().front().at("peer").at("id").as_int64() ==
        static_cast<std::int64_t>(g[missing].id()));
  caf::anon_send(g[missing], 1);
  await_members(n, g);
}
