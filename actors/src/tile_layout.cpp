#include <troupe/actors/tile_layout.hpp>

namespace troupe::actors {

const char* to_string(side s) noexcept {
  switch (s) {
    case side::west:
      return "west";
    case side::east:
      return "east";
    case side::south:
      return "south";
    case side::north:
      return "north";
  }
  return "?";
}

result<tile_layout> tile_layout::make(std::int64_t nx, std::int64_t ny, std::int64_t tiles_x,
                                      std::int64_t tiles_y) {
  auto both = [](std::int64_t a, std::int64_t b) {
    return std::to_string(a) + " and " + std::to_string(b);
  };
  if (nx <= 0 || ny <= 0)
    return error{errc::bad_option,
                 "grid size must be positive (got " + both(nx, ny) + " cells along x and y)"};
  if (tiles_x <= 0 || tiles_y <= 0)
    return error{errc::bad_option, "tile counts must be positive (got " + both(tiles_x, tiles_y) +
                                       " tiles along x and y)"};
  if (tiles_x > nx || tiles_y > ny)
    return error{errc::bad_option, "more tiles than cells: " + both(tiles_x, tiles_y) +
                                       " tiles along x and y for " + both(nx, ny) +
                                       " cells; use fewer tiles"};
  return tile_layout{nx, ny, tiles_x, tiles_y};
}

tile_extent tile_layout::extent(std::int64_t rank) const noexcept {
  auto ix = rank % tx_;
  auto iy = rank / tx_;
  auto x0 = ix * nx_ / tx_;
  auto y0 = iy * ny_ / ty_;
  return {x0, y0, (ix + 1) * nx_ / tx_ - x0, (iy + 1) * ny_ / ty_ - y0};
}

std::optional<std::int64_t> tile_layout::neighbour(std::int64_t rank, side s) const noexcept {
  auto ix = rank % tx_;
  auto iy = rank / tx_;
  switch (s) {
    case side::west:
      return ix > 0 ? std::optional{rank - 1} : std::nullopt;
    case side::east:
      return ix + 1 < tx_ ? std::optional{rank + 1} : std::nullopt;
    case side::south:
      return iy > 0 ? std::optional{rank - tx_} : std::nullopt;
    case side::north:
      return iy + 1 < ty_ ? std::optional{rank + tx_} : std::nullopt;
  }
  return std::nullopt;
}

std::string tile_layout::describe() const {
  return std::to_string(nx_) + "x" + std::to_string(ny_) + " cells in " + std::to_string(tx_) +
         "x" + std::to_string(ty_) + " tiles";
}

} // namespace troupe::actors
