#include <catch2/catch.hpp>

#include <troupe/actors/tile_layout.hpp>

using troupe::actors::side;
using troupe::actors::tile_layout;

TEST_CASE("tile_layout covers every cell exactly once, tiles differing by at most one cell",
          "[actors][tile_layout]") {
  auto [nx, ny, tx, ty] = GENERATE(table<int, int, int, int>(
      {{1, 1, 1, 1}, {10, 10, 2, 2}, {1000, 600, 3, 2}, {7, 5, 7, 5}, {13, 4, 4, 3}}));
  CAPTURE(nx, ny, tx, ty);
  auto layout = tile_layout::make(nx, ny, tx, ty).value();
  REQUIRE(layout.count() == tx * ty);
  std::vector<int> owner(static_cast<std::size_t>(nx * ny), -1);
  std::int64_t min_nx = nx, max_nx = 0, min_ny = ny, max_ny = 0;
  for (std::int64_t r = 0; r < layout.count(); ++r) {
    auto e = layout.extent(r);
    min_nx = std::min(min_nx, e.nx), max_nx = std::max(max_nx, e.nx);
    min_ny = std::min(min_ny, e.ny), max_ny = std::max(max_ny, e.ny);
    for (auto y = e.y0; y < e.y0 + e.ny; ++y)
      for (auto x = e.x0; x < e.x0 + e.nx; ++x) {
        auto& o = owner[static_cast<std::size_t>(x + nx * y)];
        CHECK(o == -1);
        o = static_cast<int>(r);
      }
  }
  CHECK(std::count(owner.begin(), owner.end(), -1) == 0);
  CHECK(max_nx - min_nx <= 1);
  CHECK(max_ny - min_ny <= 1);
  CHECK(min_nx >= 1);
  CHECK(min_ny >= 1);
}

TEST_CASE("tile_layout neighbours are adjacent tiles, and each other's opposites",
          "[actors][tile_layout]") {
  auto layout = tile_layout::make(100, 90, 4, 3).value();
  for (std::int64_t r = 0; r < layout.count(); ++r) {
    auto e = layout.extent(r);
    for (auto s : troupe::actors::all_sides) {
      CAPTURE(r, troupe::actors::to_string(s));
      auto n = layout.neighbour(r, s);
      bool at_edge = (s == side::west && e.x0 == 0) || (s == side::east && e.x0 + e.nx == 100) ||
                     (s == side::south && e.y0 == 0) || (s == side::north && e.y0 + e.ny == 90);
      REQUIRE(n.has_value() == !at_edge);
      if (!n)
        continue;
      auto f = layout.extent(*n);
      CHECK(layout.neighbour(*n, troupe::actors::opposite(s)) == r);
      if (s == side::west)
        CHECK((f.x0 + f.nx == e.x0 && f.y0 == e.y0 && f.ny == e.ny));
      if (s == side::east)
        CHECK((e.x0 + e.nx == f.x0 && f.y0 == e.y0 && f.ny == e.ny));
      if (s == side::south)
        CHECK((f.y0 + f.ny == e.y0 && f.x0 == e.x0 && f.nx == e.nx));
      if (s == side::north)
        CHECK((e.y0 + e.ny == f.y0 && f.x0 == e.x0 && f.nx == e.nx));
    }
  }
}

TEST_CASE("tile_layout refuses bad sizes with an error naming them", "[actors][tile_layout]") {
  auto message = [](auto r) { return r ? std::string{"accepted"} : r.error().message(); };
  CHECK_THAT(message(tile_layout::make(0, 10, 1, 1)), Catch::Contains("got 0 and 10 cells"));
  CHECK_THAT(message(tile_layout::make(10, -3, 1, 1)), Catch::Contains("must be positive"));
  CHECK_THAT(message(tile_layout::make(10, 10, 0, 1)), Catch::Contains("got 0 and 1 tiles"));
  CHECK_THAT(message(tile_layout::make(4, 10, 5, 1)),
             Catch::Contains("more tiles than cells") && Catch::Contains("5 and 1 tiles"));
  CHECK(tile_layout::make(4, 10, 4, 10).has_value());
}
