/// @file
/// `troupe::actors::tile`: one part's cells of a tile grid, with a halo of width 1.
#pragma once

#include <cstdint>

#include <Eigen/Core>

#include <caf/meta/type_name.hpp>

#include <troupe/actors/block.hpp>
#include <troupe/actors/bulk.hpp>
#include <troupe/actors/tile_layout.hpp>

namespace troupe::actors {

/// The cells of tile `extent` of a grid plus a halo of width 1 around them: `cells` is
/// (nx + 2) × (ny + 2), `cells(i + 1, j + 1)` is the grid's cell (x0 + i, y0 + j). As in the
/// output headers, the first index is x, so Eigen's column-major storage runs x fastest.
/// The halo holds the neighbours' edge cells (`exchange_halos`), or the boundary condition
/// where the tile touches the grid's edge.
///
/// ```cpp
/// troupe::actors::tile t{layout.extent(rank)};           // zeros, halo included
/// t.interior() = initial(t.extent);                        // the part's own cells
/// co_await troupe::actors::exchange_halos(self, links, t, step);
/// co_await troupe::numerics::stencil5(self, t.cells, next, w);
/// ```
struct tile {
  tile() = default;

  /// A tile of `e`'s cells, all zero (halo included). A large tile's memory is backed by huge
  /// pages where the system allows it (see `tile.cpp`).
  explicit tile(tile_extent e);

  /// The part's own cells, without the halo.
  auto interior() {
    return cells.block(1, 1, extent.nx, extent.ny);
  }

  /// The part's own cells, without the halo.
  [[nodiscard]] auto interior() const {
    return cells.block(1, 1, extent.nx, extent.ny);
  }

  /// The tile's own cells along side `s` (the ones its neighbour there needs), in order of
  /// increasing y (west, east) or x (south, north).
  [[nodiscard]] block edge(side s) const;

  /// Copies `values` (as `edge` of the neighbour beyond `s` wrote them) into the halo on side
  /// `s`. Returns false, changing nothing, when their number does not fit that side.
  bool fill_halo(side s, const block& values);

  tile_extent extent;
  Eigen::ArrayXXd cells;
};

/// A tile in a part's checkpointed state (`to_bytes`): its extent, then its cells (halo
/// included) as one run of bytes.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tile& x) {
  return f(caf::meta::type_name("troupe::actors::tile"), x.extent.x0, x.extent.y0, x.extent.nx,
           x.extent.ny, bulk(x.cells));
}

} // namespace troupe::actors
