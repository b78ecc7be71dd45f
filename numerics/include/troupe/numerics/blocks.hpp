/// @file
/// `troupe::numerics::parallel_for_blocks`: run a function on the blocks of a 1-D range or the
/// tiles of a 2-D range (or of an Eigen matrix) on the pool.
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include <Eigen/Core>

#include <troupe/numerics/exec.hpp>

namespace troupe::numerics {

/// [0, size) cut into blocks of `block` indices; the last block may be shorter.
struct block_range_1d {
  Eigen::Index size = 0;
  Eigen::Index block = 0;
};

/// A rows × cols index space cut into tiles of block_rows × block_cols; tiles on the last row
/// and column of tiles may be smaller.
struct block_range_2d {
  Eigen::Index rows = 0;
  Eigen::Index cols = 0;
  Eigen::Index block_rows = 0;
  Eigen::Index block_cols = 0;
};

/// One tile of a `block_range_2d`: its first row and column and its extent.
struct tile {
  Eigen::Index row = 0;
  Eigen::Index col = 0;
  Eigen::Index rows = 0;
  Eigen::Index cols = 0;
};

namespace detail {

inline Eigen::Index ceil_div(Eigen::Index n, Eigen::Index d) noexcept {
  return (n + d - 1) / d;
}

template <class F>
task<result<void>> for_blocks_1d(exec ex, block_range_1d r, F f, const char* name) {
  if (r.block <= 0)
    co_return make_error(errc::invalid_argument, std::string{name} +
                                                     ": the block size must be "
                                                     "positive (got " +
                                                     std::to_string(r.block) + ")");
  if (r.size <= 0)
    co_return make_error(errc::empty_input, std::string{name} + ": the range is empty (size " +
                                                std::to_string(r.size) + ")");
  auto blocks = static_cast<std::size_t>(ceil_div(r.size, r.block));
  co_await ex.for_each(
      0, blocks,
      [&](std::size_t k) {
        auto begin = static_cast<Eigen::Index>(k) * r.block;
        f(begin, std::min(r.block, r.size - begin));
      },
      kernel_options{.name = name});
  co_return result<void>{};
}

template <class F>
task<result<void>> for_blocks_2d(exec ex, block_range_2d r, F f, const char* name) {
  if (r.block_rows <= 0 || r.block_cols <= 0)
    co_return make_error(errc::invalid_argument, std::string{name} +
                                                     ": the tile shape must be positive (got " +
                                                     std::to_string(r.block_rows) + " x " +
                                                     std::to_string(r.block_cols) + ")");
  if (r.rows <= 0 || r.cols <= 0)
    co_return make_error(errc::empty_input, std::string{name} + ": the range is empty (" +
                                                std::to_string(r.rows) + " x " +
                                                std::to_string(r.cols) + ")");
  auto tile_rows = ceil_div(r.rows, r.block_rows);
  auto tiles = static_cast<std::size_t>(tile_rows * ceil_div(r.cols, r.block_cols));
  // Tiles in column-major order, so that a chunk of consecutive tiles walks down columns.
  co_await ex.for_each(
      0, tiles,
      [&](std::size_t k) {
        auto ti = static_cast<Eigen::Index>(k) % tile_rows;
        auto tj = static_cast<Eigen::Index>(k) / tile_rows;
        tile t{ti * r.block_rows, tj * r.block_cols, 0, 0};
        t.rows = std::min(r.block_rows, r.rows - t.row);
        t.cols = std::min(r.block_cols, r.cols - t.col);
        f(t);
      },
      kernel_options{.name = name});
  co_return result<void>{};
}

} // namespace detail

/// Runs `f(Eigen::Index begin, Eigen::Index size)` once per block of `r` on the pool. Blocks run
/// concurrently in no particular order. A block size ≤ 0 gives `errc::invalid_argument`, an
/// empty range `errc::empty_input`.
///
/// ```cpp
/// auto ok = co_await troupe::numerics::parallel_for_blocks(
///   self, block_range_1d{v.size(), 4096},
///   [&](Eigen::Index b, Eigen::Index n) { v.segment(b, n) = v.segment(b, n).sqrt(); });
/// ```
template <place On, class F>
returns<On, void> parallel_for_blocks(On& on, block_range_1d r, F f,
                                      const char* name = "parallel_for_blocks") {
  return detail::finish<On, void>(
      detail::for_blocks_1d(detail::make_exec(on), r, std::move(f), name));
}

/// Runs `f(tile)` once per tile of `r` on the pool.
template <place On, class F>
returns<On, void> parallel_for_blocks(On& on, block_range_2d r, F f,
                                      const char* name = "parallel_for_blocks") {
  return detail::finish<On, void>(
      detail::for_blocks_2d(detail::make_exec(on), r, std::move(f), name));
}

/// Runs `f(block)` on each block_rows × block_cols block of the matrix or array `m` (an
/// `Eigen::Block` of it, writable when `m` is), on the pool. A named matrix is referred to (keep
/// it alive until the kernel is done); a temporary block or Map is kept by value.
///
/// ```cpp
/// co_await parallel_for_blocks(self, grid, 256, 256, [](auto block) { block = block.exp(); });
/// ```
template <place On, dense M, class F>
returns<On, void> parallel_for_blocks(On& on, M&& m, Eigen::Index block_rows,
                                      Eigen::Index block_cols, F f,
                                      const char* name = "parallel_for_blocks") {
  auto range = block_range_2d{m.rows(), m.cols(), block_rows, block_cols};
  if constexpr (std::is_lvalue_reference_v<M>) {
    return parallel_for_blocks(
        on, range,
        [target = &m, f = std::move(f)](const tile& t) mutable {
          f(target->block(t.row, t.col, t.rows, t.cols));
        },
        name);
  } else {
    // A temporary view (a block, a Map) is kept by value: it refers to memory that outlives it.
    return parallel_for_blocks(
        on, range,
        [view = std::move(m), f = std::move(f)](const tile& t) mutable {
          f(view.block(t.row, t.col, t.rows, t.cols));
        },
        name);
  }
}

} // namespace troupe::numerics
