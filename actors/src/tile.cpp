#include <troupe/actors/tile.hpp>

#include <cstdint>

#include <sys/mman.h>

namespace troupe::actors {

namespace {

// Asks for transparent huge pages under the 2 MiB-aligned part of [data, data + bytes), before
// the first touch. A tile's west and east edges are strided (x runs fastest): with 4 KiB pages
// every cell of such an edge is a TLB miss, which made edge copies a tenth of heat2d's step
// (4096² in 2×1 tiles); with 2 MiB pages one entry covers 64 rows of 4096 cells. Where THP is
// off ("never") this does nothing.
void advise_huge_pages(void* data, std::size_t bytes) {
  constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
  auto first = (reinterpret_cast<std::uintptr_t>(data) + huge - 1) & ~(huge - 1);
  auto last = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(huge - 1);
  if (last > first)
    ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

// The index range of side `s`'s cells in the tile (own = true) or in its halo (false): a row
// (fixed x) for west and east, a column (fixed y) for south and north.
struct line {
  bool row;
  Eigen::Index at;
  Eigen::Index length;
};

line line_of(const tile_extent& e, side s, bool own) {
  switch (s) {
    case side::west:
      return {true, own ? 1 : 0, e.ny};
    case side::east:
      return {true, own ? e.nx : e.nx + 1, e.ny};
    case side::south:
      return {false, own ? 1 : 0, e.nx};
    case side::north:
      return {false, own ? e.ny : e.ny + 1, e.nx};
  }
  return {true, 0, 0};
}

} // namespace

tile::tile(tile_extent e)
  : extent(e)
  , cells(e.nx + 2, e.ny + 2) {
  advise_huge_pages(cells.data(), static_cast<std::size_t>(cells.size()) * sizeof(double));
  cells.setZero();
}

block tile::edge(side s) const {
  auto l = line_of(extent, s, true);
  std::vector<double> out(static_cast<std::size_t>(l.length));
  Eigen::Map<Eigen::ArrayXd> dst{out.data(), l.length};
  if (l.row)
    dst = cells.row(l.at).segment(1, l.length).transpose();
  else
    dst = cells.col(l.at).segment(1, l.length);
  return block{std::move(out)};
}

bool tile::fill_halo(side s, const block& values) {
  auto l = line_of(extent, s, false);
  if (static_cast<Eigen::Index>(values.size()) != l.length)
    return false;
  Eigen::Map<const Eigen::ArrayXd> src{values.data(), l.length};
  if (l.row)
    cells.row(l.at).segment(1, l.length) = src.transpose();
  else
    cells.col(l.at).segment(1, l.length) = src;
  return true;
}

} // namespace troupe::actors
