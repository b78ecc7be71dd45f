/// @file
/// Fast Fourier transforms through Eigen's FFT module (kissfft backend): 1-D and 2-D, complex
/// and real. 2-D transforms run on the pool, columns first, then rows.
///
/// Conventions (NumPy's): forward transforms are unscaled, inverse ones scale by 1/n, so
/// `ifft(fft(x)) == x` up to rounding. Real transforms keep the non-negative frequencies of
/// the first (contiguous, column) axis: `rfft` of n reals gives n/2 + 1 bins, `rfft2` of an
/// R×C real matrix gives an (R/2 + 1)×C complex one; the inverses take the original R (or n)
/// since it cannot be told from the half spectrum. Each column and row is transformed by the
/// same code whatever the split, so results do not depend on the thread count. Any length
/// works (kissfft factors it into 2, 3, 4, 5 and generic radices; large prime factors are
/// slow). NaN in an input gives NaN in the outputs it reaches (an infinity may give NaN too).
#pragma once

#include <complex>

#include <Eigen/Core>

#include <troupe/numerics/exec.hpp>

namespace troupe::numerics {

namespace detail {

task<result<Eigen::VectorXcd>> fft(exec ex, const Eigen::VectorXcd& x, bool inverse);
task<result<Eigen::VectorXcd>> rfft(exec ex, const Eigen::VectorXd& x);
task<result<Eigen::VectorXd>> irfft(exec ex, const Eigen::VectorXcd& x, Eigen::Index n);
task<result<Eigen::MatrixXcd>> fft2(exec ex, const Eigen::MatrixXcd& x, bool inverse);
task<result<Eigen::MatrixXcd>> rfft2(exec ex, const Eigen::MatrixXd& x);
task<result<Eigen::MatrixXd>> irfft2(exec ex, const Eigen::MatrixXcd& x, Eigen::Index rows);

} // namespace detail

/// The discrete Fourier transform of `x` (one job on the pool). Empty `x`: `errc::empty_input`.
///
/// ```cpp
/// auto spectrum = co_await troupe::numerics::fft(self, signal);   // fft(node, signal) outside
/// if (spectrum) use(*spectrum);
/// ```
template <place On>
returns<On, Eigen::VectorXcd> fft(On& on, const Eigen::VectorXcd& x) {
  return detail::finish<On, Eigen::VectorXcd>(detail::fft(detail::make_exec(on), x, false));
}

/// The inverse transform of `x`, scaled by 1/n.
template <place On>
returns<On, Eigen::VectorXcd> ifft(On& on, const Eigen::VectorXcd& x) {
  return detail::finish<On, Eigen::VectorXcd>(detail::fft(detail::make_exec(on), x, true));
}

/// The transform of n reals: the n/2 + 1 bins of non-negative frequency.
template <place On>
returns<On, Eigen::VectorXcd> rfft(On& on, const Eigen::VectorXd& x) {
  return detail::finish<On, Eigen::VectorXcd>(detail::rfft(detail::make_exec(on), x));
}

/// The n reals whose `rfft` is `x`; `x.size()` must be n/2 + 1 (`errc::dimension_mismatch`).
template <place On>
returns<On, Eigen::VectorXd> irfft(On& on, const Eigen::VectorXcd& x, Eigen::Index n) {
  return detail::finish<On, Eigen::VectorXd>(detail::irfft(detail::make_exec(on), x, n));
}

/// The 2-D transform of `x`: columns, then rows, each pass split over the pool.
template <place On>
returns<On, Eigen::MatrixXcd> fft2(On& on, const Eigen::MatrixXcd& x) {
  return detail::finish<On, Eigen::MatrixXcd>(detail::fft2(detail::make_exec(on), x, false));
}

/// The inverse 2-D transform of `x`, scaled by 1/(rows·cols).
template <place On>
returns<On, Eigen::MatrixXcd> ifft2(On& on, const Eigen::MatrixXcd& x) {
  return detail::finish<On, Eigen::MatrixXcd>(detail::fft2(detail::make_exec(on), x, true));
}

/// The 2-D transform of an R×C real matrix: (R/2 + 1)×C complex (real transforms of the
/// columns, then complex transforms of the rows).
template <place On>
returns<On, Eigen::MatrixXcd> rfft2(On& on, const Eigen::MatrixXd& x) {
  return detail::finish<On, Eigen::MatrixXcd>(detail::rfft2(detail::make_exec(on), x));
}

/// The R×C real matrix whose `rfft2` is `x`; `x.rows()` must be rows/2 + 1.
template <place On>
returns<On, Eigen::MatrixXd> irfft2(On& on, const Eigen::MatrixXcd& x, Eigen::Index rows) {
  return detail::finish<On, Eigen::MatrixXd>(detail::irfft2(detail::make_exec(on), x, rows));
}

} // namespace troupe::numerics
