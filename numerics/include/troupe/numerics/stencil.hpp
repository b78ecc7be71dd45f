/// @file
/// `troupe::numerics::stencil5` and `stencil9`: one sweep of a 5-point or 9-point stencil over
/// a tile with a halo of width 1, split over the pool by columns.
#pragma once

#include <Eigen/Core>

#include <troupe/numerics/exec.hpp>

namespace troupe::numerics {

/// Weights of a 5-point stencil:
/// out(i,j) = center·u(i,j) + di·(u(i−1,j) + u(i+1,j)) + dj·(u(i,j−1) + u(i,j+1)).
struct stencil5_weights {
  double center = 0;
  double di = 0;
  double dj = 0;

  /// One explicit diffusion step u + alpha·Δu with the 5-point Laplacian on a unit grid
  /// (stable for alpha ≤ 1/4).
  static constexpr stencil5_weights diffusion(double alpha) noexcept {
    return {1 - 4 * alpha, alpha, alpha};
  }
};

/// Weights of a 9-point stencil: the 5-point terms plus
/// diag·(u(i−1,j−1) + u(i+1,j−1) + u(i−1,j+1) + u(i+1,j+1)).
struct stencil9_weights {
  double center = 0;
  double di = 0;
  double dj = 0;
  double diag = 0;

  /// One explicit diffusion step u + alpha·Δu with the isotropic 9-point Laplacian
  /// Δu ≈ (4·(edges) + (corners) − 20·u) / 6 on a unit grid.
  static constexpr stencil9_weights diffusion(double alpha) noexcept {
    return {1 - 20 * alpha / 6, 4 * alpha / 6, 4 * alpha / 6, alpha / 6};
  }
};

namespace detail {

task<result<void>> stencil5(exec ex, const Eigen::ArrayXXd& in, Eigen::ArrayXXd& out,
                            stencil5_weights w);
task<result<void>> stencil9(exec ex, const Eigen::ArrayXXd& in, Eigen::ArrayXXd& out,
                            stencil9_weights w);

} // namespace detail

/// One sweep of a 5-point stencil: writes the interior of `out` (rows 1..R−2, columns 1..C−2)
/// from `in`, an R×C tile whose outer rows and columns are the halo (filled by the caller,
/// e.g. from neighbour tiles). `out`'s halo is left as it is; an empty `out` is sized like
/// `in` and gets `in`'s halo. Columns are split over the pool; each cell is computed by the
/// same expression whatever the split, so results do not depend on the thread count.
///
/// Errors: a tile smaller than 3×3 (no interior) → `errc::empty_input`; `out` of another
/// non-zero shape → `errc::dimension_mismatch`; `out` being `in` → `errc::invalid_argument`.
///
/// ```cpp
/// auto w = troupe::numerics::stencil5_weights::diffusion(0.2);
/// auto ok = co_await troupe::numerics::stencil5(self, u, next, w);
/// std::swap(u, next);
/// ```
template <place On>
returns<On, void> stencil5(On& on, const Eigen::ArrayXXd& in, Eigen::ArrayXXd& out,
                           stencil5_weights w) {
  return detail::finish<On, void>(detail::stencil5(detail::make_exec(on), in, out, w));
}

/// One sweep of a 9-point stencil; see `stencil5` for the tile layout and errors.
template <place On>
returns<On, void> stencil9(On& on, const Eigen::ArrayXXd& in, Eigen::ArrayXXd& out,
                           stencil9_weights w) {
  return detail::finish<On, void>(detail::stencil9(detail::make_exec(on), in, out, w));
}

} // namespace troupe::numerics
