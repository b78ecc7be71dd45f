#include <troupe/actors/tile.hpp>

namespace troupe::actors {

namespace {

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
