#include "group_fixture.hpp"

#include <troupe/actors/halo.hpp>
#include <troupe/actors/tile.hpp>

using namespace troupe::test;
namespace ta = troupe::actors;
using ta::side;

namespace {

// A value that names its global cell, so a halo cell shows where it came from.
double cell_value(std::int64_t x, std::int64_t y, std::int64_t step) {
  return static_cast<double>(x) + 1000.0 * static_cast<double>(y) + 1e6 * static_cast<double>(step);
}

void fill(ta::tile& t, std::int64_t step) {
  for (std::int64_t j = 0; j < t.extent.ny; ++j)
    for (std::int64_t i = 0; i < t.extent.nx; ++i)
      t.interior()(i, j) = cell_value(t.extent.x0 + i, t.extent.y0 + j, step);
}

// Each halo cell of `t` after the exchange of `step`: the neighbour's value, or -1 (the value
// it was set to) beyond the grid's edge. Counts the cells that differ.
int wrong_halo_cells(const ta::tile& t, const ta::tile_layout& layout, std::int64_t step) {
  int wrong = 0;
  auto expect = [&](std::int64_t x, std::int64_t y) {
    bool outside = x < 0 || y < 0 || x >= layout.nx() || y >= layout.ny();
    return outside ? -1.0 : cell_value(x, y, step);
  };
  auto& e = t.extent;
  for (std::int64_t j = 0; j < e.ny; ++j) {
    wrong += t.cells(0, j + 1) != expect(e.x0 - 1, e.y0 + j);
    wrong += t.cells(e.nx + 1, j + 1) != expect(e.x0 + e.nx, e.y0 + j);
  }
  for (std::int64_t i = 0; i < e.nx; ++i) {
    wrong += t.cells(i + 1, 0) != expect(e.x0 + i, e.y0 - 1);
    wrong += t.cells(i + 1, e.ny + 1) != expect(e.x0 + i, e.y0 + e.ny);
  }
  return wrong;
}

// A part that exchanges `steps` times, its cells renewed each step, and reports how many halo
// cells were wrong in all. With `ahead`, rank 0 sends its edges for every step before waiting
// for any: the others' exchanges must find them in the stash, in order.
troupe::task<> exchanging_part(troupe::context& self, ta::group g, ta::tile_layout layout,
                               std::int64_t steps, std::shared_ptr<lines> out) {
  auto rank = static_cast<std::int64_t>(rank_in(self, g));
  ta::halo_links links{g, layout, rank};
  ta::tile t{layout.extent(rank)};
  int wrong = 0;
  for (std::int64_t step = 0; step < steps; ++step) {
    t.cells.setConstant(-1.0);
    fill(t, step);
    auto ok = co_await ta::exchange_halos(self, links, t, step);
    if (!ok) {
      out->add(static_cast<std::size_t>(rank), "error " + ok.error().message());
      co_return;
    }
    wrong += wrong_halo_cells(t, layout, step);
  }
  out->add(static_cast<std::size_t>(rank), "wrong " + std::to_string(wrong));
}

} // namespace

TEST_CASE("a tile's edges are its outer own cells, and fill_halo puts a neighbour's edge in the "
          "halo",
          "[actors][halo]") {
  ta::tile t{{10, 20, 3, 2}};
  fill(t, 0);
  CHECK(t.edge(side::west).values ==
        std::vector<double>{cell_value(10, 20, 0), cell_value(10, 21, 0)});
  CHECK(t.edge(side::east).values ==
        std::vector<double>{cell_value(12, 20, 0), cell_value(12, 21, 0)});
  CHECK(t.edge(side::south).values ==
        std::vector<double>{cell_value(10, 20, 0), cell_value(11, 20, 0), cell_value(12, 20, 0)});
  CHECK(t.edge(side::north).values ==
        std::vector<double>{cell_value(10, 21, 0), cell_value(11, 21, 0), cell_value(12, 21, 0)});
  REQUIRE(t.fill_halo(side::north, ta::block{{7, 8, 9}}));
  CHECK(t.cells(1, 3) == 7);
  CHECK(t.cells(3, 3) == 9);
  REQUIRE(t.fill_halo(side::west, ta::block{{5, 6}}));
  CHECK(t.cells(0, 1) == 5);
  CHECK(t.cells(0, 2) == 6);
  CHECK_FALSE(t.fill_halo(side::east, ta::block{{1, 2, 3}}));
  CHECK(t.cells(4, 1) == 0);
}

TEST_CASE("exchange_halos fills every halo cell with its neighbour's value of the same step, on "
          "uneven layouts and any thread count",
          "[actors][halo]") {
  auto threads = GENERATE(1, 2, 4);
  auto [nx, ny, tx, ty] = GENERATE(
      table<int, int, int, int>({{7, 5, 1, 1}, {8, 8, 2, 2}, {13, 7, 3, 2}, {5, 9, 1, 4}}));
  CAPTURE(threads, nx, ny, tx, ty);
  auto n = group_node(threads);
  auto layout = ta::tile_layout::make(nx, ny, tx, ty).value();
  auto parts = static_cast<std::size_t>(layout.count());
  auto out = std::make_shared<lines>(parts);
  auto g =
      ta::spawn_group(n, parts, {.name = "tile"}, exchanging_part, layout, std::int64_t{25}, out);
  await_members(n, g);
  auto got = out->get();
  for (std::size_t r = 0; r < parts; ++r) {
    CAPTURE(r);
    CHECK(got[r] == std::vector<std::string>{"wrong 0"});
  }
}

namespace {

// Rank 0 sends its edges for all steps at once, the last step first: the neighbour's exchange
// of each step must take that step's edge among the early ones (the stash keeps them).
troupe::task<> hasty_part(troupe::context& self, ta::group g, ta::tile_layout layout,
                          std::int64_t steps, std::shared_ptr<lines> out) {
  auto rank = static_cast<std::int64_t>(rank_in(self, g));
  if (rank == 0) {
    ta::tile t{layout.extent(0)};
    for (auto step = steps - 1; step >= 0; --step) {
      fill(t, step);
      for (auto s : ta::all_sides)
        if (auto nb = layout.neighbour(0, s))
          self.send(g[static_cast<std::size_t>(*nb)],
                    ta::halo_message{g.id(), step, ta::opposite(s), false, {}, t.edge(s)});
    }
    out->add(0, "wrong 0");
    // Stays until the others are done with its edges (they watch it: ending is news).
    co_await troupe::receive<int>(self);
    co_return;
  }
  co_await exchanging_part(self, g, layout, steps, out);
  self.send(g[0], 1);
}

} // namespace

TEST_CASE("exchange_halos keeps a neighbour's edges of later steps, sent in any order, until "
          "their exchange",
          "[actors][halo]") {
  auto n = group_node(2);
  auto layout = ta::tile_layout::make(6, 6, 2, 1).value();
  auto out = std::make_shared<lines>(2);
  auto g = ta::spawn_group(n, 2, {.name = "tile"}, hasty_part, layout, std::int64_t{200}, out);
  await_members(n, g);
  CHECK(out->get() == std::vector<std::vector<std::string>>{{"wrong 0"}, {"wrong 0"}});
}

namespace {

// Rank 1 throws before its first exchange: the others' exchange must fail naming it.
troupe::task<> failing_part(troupe::context& self, ta::group g, ta::tile_layout layout,
                            std::shared_ptr<lines> out) {
  if (rank_in(self, g) == 1)
    throw std::runtime_error("tile 1 diverged");
  co_await exchanging_part(self, g, layout, 3, out);
}

} // namespace

TEST_CASE("exchange_halos fails, naming the neighbour and step, when a neighbour ends first",
          "[actors][halo]") {
  auto n = group_node(2);
  auto layout = ta::tile_layout::make(9, 4, 3, 1).value();
  auto out = std::make_shared<lines>(3);
  auto g = ta::spawn_group(n, 3, {.name = "tile"}, failing_part, layout, out);
  await_members(n, g);
  auto got = out->get();
  for (std::size_t r : {0u, 2u}) {
    CAPTURE(r);
    REQUIRE(got[r].size() == 1);
    CHECK_THAT(got[r][0], Catch::StartsWith("error halo exchange of step 0: the ") &&
                              Catch::Contains("neighbour (rank 1, actor 'tile-1'") &&
                              Catch::Contains("tile 1 diverged"));
  }
  CHECK(got[1].empty());
}
