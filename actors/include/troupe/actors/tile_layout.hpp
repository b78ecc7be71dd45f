/// @file
/// `troupe::actors::tile_layout`: an NX×NY grid of cells cut into TX×TY tiles.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include <troupe/result.hpp>

namespace troupe::actors {

/// The four sides of a tile, in the order halo exchanges visit them.
enum class side : std::uint8_t {
  /// Towards x = 0.
  west,
  /// Towards x = NX - 1.
  east,
  /// Towards y = 0.
  south,
  /// Towards y = NY - 1.
  north,
};

/// All four sides, for loops.
inline constexpr std::array<side, 4> all_sides{side::west, side::east, side::south, side::north};

/// The side facing `s` (west ↔ east, south ↔ north).
constexpr side opposite(side s) noexcept {
  switch (s) {
    case side::west:
      return side::east;
    case side::east:
      return side::west;
    case side::south:
      return side::north;
    case side::north:
      return side::south;
  }
  return s;
}

/// "west", "east", "south" or "north".
const char* to_string(side s) noexcept;

/// The cells of one tile: x in [x0, x0 + nx), y in [y0, y0 + ny) of the whole grid.
struct tile_extent {
  std::int64_t x0 = 0;
  std::int64_t y0 = 0;
  std::int64_t nx = 0;
  std::int64_t ny = 0;

  friend bool operator==(const tile_extent&, const tile_extent&) = default;
};

/// An NX×NY grid cut into TX×TY tiles, one per part of a simulation.
///
/// Tiles are numbered row by row: rank = ix + TX·iy, tile (0, 0) at the origin. Along x, tile
/// ix covers cells [ix·NX/TX, (ix+1)·NX/TX), so tiles differ by at most one column (likewise
/// along y): any NX, NY works with any TX ≤ NX, TY ≤ NY. The layout is pure arithmetic, the
/// same on every node, so parts compute their neighbours instead of being told.
///
/// ```cpp
/// auto layout = troupe::actors::tile_layout::make(1000, 600, 3, 2);  // 6 uneven tiles
/// if (!layout) return fail(layout.error());  // names the bad size
/// auto mine = layout->extent(rank);          // {x0, y0, nx, ny}
/// auto west = layout->neighbour(rank, troupe::actors::side::west);  // nullopt at the edge
/// ```
class tile_layout {
public:
  /// A layout, or an error naming the bad size: sizes must be positive, and there cannot be
  /// more tiles than cells along either axis.
  static result<tile_layout> make(std::int64_t nx, std::int64_t ny, std::int64_t tiles_x,
                                  std::int64_t tiles_y);

  [[nodiscard]] std::int64_t nx() const noexcept {
    return nx_;
  }

  [[nodiscard]] std::int64_t ny() const noexcept {
    return ny_;
  }

  [[nodiscard]] std::int64_t tiles_x() const noexcept {
    return tx_;
  }

  [[nodiscard]] std::int64_t tiles_y() const noexcept {
    return ty_;
  }

  /// The number of tiles, TX·TY.
  [[nodiscard]] std::int64_t count() const noexcept {
    return tx_ * ty_;
  }

  /// The rank of tile (ix, iy).
  [[nodiscard]] std::int64_t rank(std::int64_t ix, std::int64_t iy) const noexcept {
    return ix + tx_ * iy;
  }

  /// The cells of tile `rank` (< count()).
  [[nodiscard]] tile_extent extent(std::int64_t rank) const noexcept;

  /// The rank of the tile beyond side `s` of tile `rank`, or nullopt at the grid's edge.
  [[nodiscard]] std::optional<std::int64_t> neighbour(std::int64_t rank, side s) const noexcept;

  /// "NXxNY cells in TXxTY tiles", for messages and manifests.
  [[nodiscard]] std::string describe() const;

  friend bool operator==(const tile_layout&, const tile_layout&) = default;

private:
  tile_layout(std::int64_t nx, std::int64_t ny, std::int64_t tx, std::int64_t ty)
    : nx_(nx)
    , ny_(ny)
    , tx_(tx)
    , ty_(ty) {
  }

  std::int64_t nx_;
  std::int64_t ny_;
  std::int64_t tx_;
  std::int64_t ty_;
};

} // namespace troupe::actors
