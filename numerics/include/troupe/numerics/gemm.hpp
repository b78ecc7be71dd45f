/// @file
/// `troupe::numerics::gemm` and `gemv`: dense double matrix products split over the pool,
/// each block computed by Eigen (whose own threading is off).
#pragma once

#include <cstddef>

#include <Eigen/Core>

#include <troupe/numerics/exec.hpp>

namespace troupe::numerics {

/// The scalars and split of `gemm`/`gemv`: result ← alpha·product + beta·result.
struct gemm_options {
  double alpha = 1.0;
  /// 0 overwrites the result (resizing it); otherwise the result must have the product's
  /// shape already.
  double beta = 0.0;
  /// Blocks to split the result into; 0 picks a count from the shape alone (blocks of 512
  /// columns — or rows, for tall results — for `gemm`, 512 rows for `gemv`, at most 64), so
  /// that results never depend on the thread count. The bits of the result depend on this
  /// split; a 1024×1024 product makes 2 blocks, so it uses at most 2 workers.
  std::size_t chunks = 0;
};

/// A read-only view of a column-major double matrix with contiguous columns.
using matrix_view = Eigen::Map<const Eigen::MatrixXd, Eigen::Unaligned, Eigen::OuterStride<>>;

/// A read-only view of a contiguous double vector.
using vector_view = Eigen::Map<const Eigen::VectorXd>;

namespace detail {

template <class D>
matrix_view matrix_view_of(const Eigen::DenseBase<D>& m) noexcept {
  static_assert(std::is_same_v<typename D::Scalar, double>, "troupe::numerics: doubles only");
  static_assert(bool(D::Flags & Eigen::DirectAccessBit) && !bool(D::Flags & Eigen::RowMajorBit) &&
                    D::InnerStrideAtCompileTime == 1,
                "troupe::numerics: pass a column-major MatrixXd, a Map or a block of one "
                "(evaluate expressions first)");
  return {m.derived().data(), m.rows(), m.cols(), Eigen::OuterStride<>(m.derived().outerStride())};
}

task<result<void>> gemm(exec ex, matrix_view a, matrix_view b, Eigen::MatrixXd& c,
                        gemm_options opts);
task<result<void>> gemv(exec ex, matrix_view a, vector_view x, Eigen::VectorXd& y,
                        gemm_options opts);

} // namespace detail

/// C ← alpha·A·B + beta·C, with C's columns (or rows, when C is taller than wide) split into
/// blocks that Eigen multiplies on the pool's workers. The split follows the shape (see
/// `gemm_options::chunks`), so the result is the same bit for bit for any thread count.
///
/// Errors: `A.cols() != B.rows()` or (beta ≠ 0) C of another shape →
/// `errc::dimension_mismatch`; an empty operand → `errc::empty_input`; C sharing memory with
/// A or B → `errc::invalid_argument`.
///
/// ```cpp
/// Eigen::MatrixXd c;
/// auto ok = co_await troupe::numerics::gemm(self, a, b, c);   // troupe::numerics::gemm(node, ...)
/// if (!ok) co_return ok.error();
/// ```
template <place On, class A, class B>
returns<On, void> gemm(On& on, const Eigen::DenseBase<A>& a, const Eigen::DenseBase<B>& b,
                       Eigen::MatrixXd& c, gemm_options opts = {}) {
  return detail::finish<On, void>(detail::gemm(detail::make_exec(on), detail::matrix_view_of(a),
                                               detail::matrix_view_of(b), c, opts));
}

/// y ← alpha·A·x + beta·y with A's rows split into blocks on the pool. Errors as for `gemm`.
template <place On, class A>
returns<On, void> gemv(On& on, const Eigen::DenseBase<A>& a, const Eigen::VectorXd& x,
                       Eigen::VectorXd& y, gemm_options opts = {}) {
  return detail::finish<On, void>(detail::gemv(detail::make_exec(on), detail::matrix_view_of(a),
                                               vector_view{x.data(), x.size()}, y, opts));
}

} // namespace troupe::numerics
