/// @file
/// Level-1 kernels on the pool: `sum`, `dot`, `norm`, `axpy` over contiguous double vectors,
/// with reductions bit-identical for any thread count.
#pragma once

#include <cstddef>

#include <Eigen/Core>

#include <troupe/numerics/exec.hpp>
#include <troupe/numerics/parallel_reduce.hpp>

namespace troupe::numerics {

namespace detail {

/// A vector seen as memory: `size` doubles `stride` apart.
struct vec_view {
  const double* data = nullptr;
  std::size_t size = 0;
  std::ptrdiff_t stride = 1;
};

struct mut_vec_view {
  double* data = nullptr;
  std::size_t size = 0;
  std::ptrdiff_t stride = 1;
};

template <class D>
vec_view view_of(const Eigen::DenseBase<D>& x) noexcept {
  static_assert(D::IsVectorAtCompileTime, "troupe::numerics: pass a vector (VectorXd, ArrayXd, "
                                          "a segment or a column), not a matrix");
  static_assert(std::is_same_v<typename D::Scalar, double>, "troupe::numerics: doubles only");
  static_assert(bool(D::Flags & Eigen::DirectAccessBit),
                "troupe::numerics: evaluate the expression into a VectorXd first");
  return {x.derived().data(), static_cast<std::size_t>(x.size()), x.derived().innerStride()};
}

template <class D>
mut_vec_view mut_view_of(Eigen::DenseBase<D>& x) noexcept {
  auto v = view_of(x);
  return {const_cast<double*>(v.data), v.size, v.stride};
}

/// Sums `n` doubles in a fixed order whatever their alignment: 32 interleaved partial sums,
/// combined pairwise. Written so that the compiler vectorizes it without reassociating.
double sum_fixed(const double* x, std::size_t n) noexcept;

/// The dot product of `n` doubles in the same fixed order as `sum_fixed`.
double dot_fixed(const double* x, const double* y, std::size_t n) noexcept;

task<result<double>> sum(exec ex, vec_view x, reduce_options opts);
task<result<double>> dot(exec ex, vec_view x, vec_view y, reduce_options opts);
task<result<double>> norm(exec ex, vec_view x, reduce_options opts);
task<result<void>> axpy(exec ex, double a, vec_view x, mut_vec_view y);

} // namespace detail

/// The sum of the elements of `x` (a contiguous double vector); bit-identical for any thread
/// count. Empty `x`: `errc::empty_input`; a strided `x`: `errc::invalid_argument`.
template <place On, class X>
returns<On, double> sum(On& on, const Eigen::DenseBase<X>& x, reduce_options opts = {}) {
  return detail::finish<On, double>(detail::sum(detail::make_exec(on), detail::view_of(x), opts));
}

/// The dot product of `x` and `y` (contiguous, same size); bit-identical for any thread
/// count. Different sizes: `errc::dimension_mismatch`.
///
/// ```cpp
/// auto d = co_await troupe::numerics::dot(self, x, y);   // in a coroutine actor
/// auto e = troupe::numerics::dot(node, x, y);            // in plain code
/// ```
template <place On, class X, class Y>
returns<On, double> dot(On& on, const Eigen::DenseBase<X>& x, const Eigen::DenseBase<Y>& y,
                        reduce_options opts = {}) {
  return detail::finish<On, double>(
      detail::dot(detail::make_exec(on), detail::view_of(x), detail::view_of(y), opts));
}

/// The Euclidean norm sqrt(Σ xᵢ²) of `x`, unscaled (it overflows to infinity when Σ xᵢ²
/// exceeds the double range; use Eigen's `stableNorm` for such data). Bit-identical for any
/// thread count.
template <place On, class X>
returns<On, double> norm(On& on, const Eigen::DenseBase<X>& x, reduce_options opts = {}) {
  return detail::finish<On, double>(detail::norm(detail::make_exec(on), detail::view_of(x), opts));
}

/// y ← a·x + y on the pool. `x` and `y` must have the same size (`errc::dimension_mismatch`).
template <place On, class X, dense Y>
returns<On, void> axpy(On& on, double a, const Eigen::DenseBase<X>& x, Y&& y) {
  return detail::finish<On, void>(
      detail::axpy(detail::make_exec(on), a, detail::view_of(x), detail::mut_view_of(y)));
}

} // namespace troupe::numerics
