/// @file
/// Batched small dense solves on the pool — LU (`lu_solve`), Cholesky (`cholesky_solve`) and
/// inverses (`batched_inverse`) over many matrices at once — and the inverse of one matrix
/// (`inverse`), with singular, indefinite and non-finite input reported as errors.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/LU>

#include <troupe/numerics/exec.hpp>

namespace troupe::numerics {

/// When a matrix counts as singular.
struct solve_options {
  /// A matrix whose reciprocal condition number estimate (Eigen's `rcond()`, in the 1-norm)
  /// is not above this is singular to working precision: `errc::singular`.
  double min_rcond = std::numeric_limits<double>::epsilon();
};

namespace detail {

/// The first failing matrix of a chunk of a batch.
struct batch_failure {
  std::size_t index = std::numeric_limits<std::size_t>::max();
  errc code = errc::singular;
  double rcond = 0;
};

inline std::string number_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

inline troupe::error batch_error(const char* kernel, const batch_failure& f, std::size_t count,
                                 const solve_options& opts) {
  auto which = std::string{kernel} + ": matrix " + std::to_string(f.index) + " (of " +
               std::to_string(count) + ")";
  switch (f.code) {
    case errc::non_finite:
      return make_error(f.code, which + " or its right-hand side holds NaN or infinity");
    case errc::not_positive_definite:
      return make_error(f.code, which + " is not symmetric positive definite; use lu_solve");
    default:
      return make_error(f.code, which + " is singular: reciprocal condition estimate " +
                                    number_text(f.rcond) + " <= " + number_text(opts.min_rcond));
  }
}

/// The lowest-index failure over the chunks, so the error names the same matrix for any split.
inline const batch_failure* first_failure(const std::vector<batch_failure>& failures) {
  const batch_failure* first = nullptr;
  for (auto& f : failures)
    if (f.index != std::numeric_limits<std::size_t>::max() && (!first || f.index < first->index))
      first = &f;
  return first;
}

/// Checks shapes of a batch: square, non-empty matrices, right-hand sides with as many rows.
template <class Mat, class Rhs>
result<void> check_batch(const char* kernel, std::span<const Mat> a, std::span<const Rhs> b) {
  if (a.size() != b.size())
    return make_error(errc::dimension_mismatch,
                      std::string{kernel} + ": " + std::to_string(a.size()) + " matrices but " +
                          std::to_string(b.size()) + " right-hand sides; pass one per matrix");
  if (a.empty())
    return make_error(errc::empty_input, std::string{kernel} + ": the batch is empty");
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto prefix = std::string{kernel} + ": matrix " + std::to_string(i);
    if (a[i].size() == 0)
      return make_error(errc::empty_input, prefix + " is empty");
    if (a[i].rows() != a[i].cols())
      return make_error(errc::dimension_mismatch, prefix + " is " + std::to_string(a[i].rows()) +
                                                      "x" + std::to_string(a[i].cols()) +
                                                      "; it must be square");
    if (b[i].rows() != a[i].rows())
      return make_error(errc::dimension_mismatch, prefix + " has " + std::to_string(a[i].rows()) +
                                                      " rows but its right-hand side has " +
                                                      std::to_string(b[i].rows()));
  }
  return {};
}

/// Chunks of a batch: several per worker; every matrix is solved alone, so the split never
/// changes a result.
inline std::size_t batch_chunks(const exec& ex, std::size_t n) {
  return elementwise_chunks(ex, n);
}

template <class Mat, class Rhs, class Solve>
task<result<std::vector<typename Rhs::PlainObject>>>
solve_batch(exec ex, const char* kernel, std::span<const Mat> a, std::span<const Rhs> b,
            solve_options opts, Solve solve) {
  if (auto ok = check_batch(kernel, a, b); !ok)
    co_return ok.error();
  std::vector<typename Rhs::PlainObject> x(a.size());
  auto chunks = batch_chunks(ex, a.size());
  std::vector<batch_failure> failures(chunks);
  co_await ex.for_chunks(
      a.size(), chunks,
      [&](std::size_t c, std::size_t begin, std::size_t end) {
        for (auto i = begin; i < end; ++i) {
          if (!a[i].allFinite() || !b[i].allFinite()) {
            failures[c] = {i, errc::non_finite, 0};
            return;
          }
          if (auto failure = solve(a[i], b[i], x[i]); failure) {
            failures[c] = {i, failure->code, failure->rcond};
            return;
          }
        }
      },
      kernel);
  if (auto* f = first_failure(failures))
    co_return batch_error(kernel, *f, a.size(), opts);
  co_return x;
}

struct solve_failure {
  errc code;
  double rcond;
};

} // namespace detail

/// Solves A[i]·x[i] = b[i] for every i with partial-pivoting LU, on the pool; returns the x[i]
/// in order. `a` and `b` are contiguous ranges (e.g. `std::vector`) of Eigen matrices (fixed
/// sizes such as `Eigen::Matrix3d` are fastest) and vectors or matrices of right-hand sides.
///
/// Errors (naming the lowest failing index): sizes that differ or non-square matrices →
/// `errc::dimension_mismatch`; an empty batch or matrix → `errc::empty_input`; NaN or
/// infinity in A[i] or b[i] → `errc::non_finite`; rcond(A[i]) ≤ `min_rcond` →
/// `errc::singular`.
///
/// ```cpp
/// std::vector<Eigen::Matrix3d> a = ...; std::vector<Eigen::Vector3d> b = ...;
/// auto x = co_await troupe::numerics::lu_solve(self, a, b);
/// if (!x) co_return x.error();
/// ```
template <place On, std::ranges::contiguous_range RA, std::ranges::contiguous_range RB>
returns<On, std::vector<typename std::ranges::range_value_t<RB>::PlainObject>>
lu_solve(On& on, const RA& a, const RB& b, solve_options opts = {}) {
  using mat = std::ranges::range_value_t<RA>;
  using rhs = std::ranges::range_value_t<RB>;
  using out = typename rhs::PlainObject;
  auto solve = [opts](const mat& m, const rhs& r, out& x) -> std::optional<detail::solve_failure> {
    Eigen::PartialPivLU<typename mat::PlainObject> lu(m);
    auto rc = lu.rcond();
    if (!(rc > opts.min_rcond))
      return detail::solve_failure{errc::singular, rc};
    x = lu.solve(r);
    return std::nullopt;
  };
  return detail::finish<On, std::vector<out>>(detail::solve_batch(
      detail::make_exec(on), "lu_solve",
      std::span<const mat>{std::ranges::data(a), std::ranges::size(a)},
      std::span<const rhs>{std::ranges::data(b), std::ranges::size(b)}, opts, solve));
}

/// Solves A[i]·x[i] = b[i] with a Cholesky factorization (A[i] symmetric positive definite;
/// only its lower triangle is read), on the pool. Errors as for `lu_solve`, plus a matrix
/// whose factorization fails → `errc::not_positive_definite`.
template <place On, std::ranges::contiguous_range RA, std::ranges::contiguous_range RB>
returns<On, std::vector<typename std::ranges::range_value_t<RB>::PlainObject>>
cholesky_solve(On& on, const RA& a, const RB& b, solve_options opts = {}) {
  using mat = std::ranges::range_value_t<RA>;
  using rhs = std::ranges::range_value_t<RB>;
  using out = typename rhs::PlainObject;
  auto solve = [opts](const mat& m, const rhs& r, out& x) -> std::optional<detail::solve_failure> {
    Eigen::LLT<typename mat::PlainObject> llt(m);
    if (llt.info() != Eigen::Success)
      return detail::solve_failure{errc::not_positive_definite, 0};
    auto rc = llt.rcond();
    if (!(rc > opts.min_rcond))
      return detail::solve_failure{errc::singular, rc};
    x = llt.solve(r);
    return std::nullopt;
  };
  return detail::finish<On, std::vector<out>>(detail::solve_batch(
      detail::make_exec(on), "cholesky_solve",
      std::span<const mat>{std::ranges::data(a), std::ranges::size(a)},
      std::span<const rhs>{std::ranges::data(b), std::ranges::size(b)}, opts, solve));
}

/// The inverses of every matrix of `a` (partial-pivoting LU), on the pool. Errors as for
/// `lu_solve`.
template <place On, std::ranges::contiguous_range RA>
returns<On, std::vector<typename std::ranges::range_value_t<RA>::PlainObject>>
batched_inverse(On& on, const RA& a, solve_options opts = {}) {
  using mat = std::ranges::range_value_t<RA>;
  using out = typename mat::PlainObject;
  // The "right-hand side" of matrix i is the matrix itself: it only fixes the shape checks.
  auto solve = [opts](const mat& m, const mat&, out& x) -> std::optional<detail::solve_failure> {
    Eigen::PartialPivLU<out> lu(m);
    auto rc = lu.rcond();
    if (!(rc > opts.min_rcond))
      return detail::solve_failure{errc::singular, rc};
    x = lu.inverse();
    return std::nullopt;
  };
  std::span<const mat> as{std::ranges::data(a), std::ranges::size(a)};
  return detail::finish<On, std::vector<out>>(
      detail::solve_batch(detail::make_exec(on), "batched_inverse", as, as, opts, solve));
}

namespace detail {

task<result<Eigen::MatrixXd>> inverse(exec ex, const Eigen::MatrixXd& a, solve_options opts);

} // namespace detail

/// The inverse of one square matrix: an LU factorization, then the columns of A⁻¹ solved in
/// blocks on the pool (blocks fixed by the size, so the bits do not depend on the thread
/// count). Errors: not square → `errc::dimension_mismatch`; empty → `errc::empty_input`; NaN
/// or infinity → `errc::non_finite`; rcond(A) ≤ `min_rcond` → `errc::singular`.
///
/// ```cpp
/// auto inv = troupe::numerics::inverse(node, a);   // co_await ...(self, a) in an actor
/// if (inv) std::cout << *inv;
/// ```
template <place On>
returns<On, Eigen::MatrixXd> inverse(On& on, const Eigen::MatrixXd& a, solve_options opts = {}) {
  return detail::finish<On, Eigen::MatrixXd>(detail::inverse(detail::make_exec(on), a, opts));
}

} // namespace troupe::numerics
