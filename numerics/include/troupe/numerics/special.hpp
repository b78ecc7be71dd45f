/// @file
/// Special functions of scalars (`troupe::numerics::special::j0(x)`, …) and over whole Eigen
/// arrays on the pool (`troupe::numerics::bessel_j0(on, x)`, …): Bessel J and Y, modified
/// Bessel I and K, gamma, log-gamma, erf and erfc.
///
/// Domains (outside them the result is NaN, never undefined behaviour or an exception; NaN
/// input gives NaN):
/// | function | defined for | edges |
/// |---|---|---|
/// | J0, J1, Jn(n, x) | all real x, integer n | ±∞ → 0 |
/// | Y0, Y1, Yn(n, x) | x > 0, integer n | x = 0 → −∞ (the limit; +∞ for odd negative n); x < 0 →
/// NaN; +∞ → 0 | | I(ν, x) | ν ≥ 0, x ≥ 0; x < 0 also for integer ν (Iₙ(−x) = (−1)ⁿ Iₙ(x)) |
/// overflow → +∞ (x ≳ 700) | | K(ν, x) | ν ≥ 0, x > 0 | x = 0 → +∞; +∞ → 0; underflow → 0; x < 0 →
/// NaN | | gamma(x) | x not a non-positive integer | ±0 → ±∞; negative integers and −∞ → NaN; x >
/// 171.6 → +∞ | | lgamma(x) = log abs(Γ(x)) | all real x | non-positive integers and ±∞ → +∞ | |
/// erf, erfc | all real x | erf(±∞) = ±1, erfc(−∞) = 2, erfc(+∞) = 0 |
///
/// J, Y come from the C library (glibc's j0/j1/jn/y0/y1/yn), I, K from libstdc++'s C++17
/// special math (`std::cyl_bessel_i/k`), gamma and erf from <cmath>, log-gamma from the
/// reentrant `lgamma_r` (std::lgamma writes a global, a race between workers). Array versions
/// compute each element by the scalar function, so they agree with it bit for bit.
#pragma once

#include <concepts>
#include <cstddef>

#include <Eigen/Core>

#include <troupe/numerics/exec.hpp>

namespace troupe::numerics {

namespace special {

/// Bessel function of the first kind of order 0.
double j0(double x) noexcept;
/// Bessel function of the first kind of order 1.
double j1(double x) noexcept;
/// Bessel function of the first kind of integer order n.
double jn(int n, double x) noexcept;
/// Bessel function of the second kind of order 0 (x > 0).
double y0(double x) noexcept;
/// Bessel function of the second kind of order 1 (x > 0).
double y1(double x) noexcept;
/// Bessel function of the second kind of integer order n (x > 0).
double yn(int n, double x) noexcept;
/// Modified Bessel function of the first kind Iν(x) (ν ≥ 0).
double cyl_i(double nu, double x) noexcept;
/// Modified Bessel function of the second kind Kν(x) (ν ≥ 0, x > 0).
double cyl_k(double nu, double x) noexcept;
/// The gamma function Γ(x).
double gamma(double x) noexcept;
/// log |Γ(x)|.
double lgamma(double x) noexcept;
/// The error function.
double erf(double x) noexcept;
/// The complementary error function 1 − erf(x), accurate where erf(x) is close to 1.
double erfc(double x) noexcept;

} // namespace special

/// A plain Eigen array or matrix of doubles (`ArrayXd`, `ArrayXXd`, `VectorXd`, `MatrixXd`).
template <class P>
concept double_array =
    std::derived_from<P, Eigen::PlainObjectBase<P>> && std::same_as<typename P::Scalar, double>;

namespace detail {

/// One special function with its order, applied to a contiguous run of doubles.
struct special_fn {
  enum kind_t { j0, j1, jn, y0, y1, yn, cyl_i, cyl_k, gamma, lgamma, erf, erfc } kind;
  double order = 0;

  void apply(const double* in, double* out, std::size_t n) const noexcept;
  const char* name() const noexcept;
};

template <double_array P>
task<result<P>> special_map(exec ex, const P& x, special_fn fn) {
  if (x.size() == 0)
    co_return make_error(errc::empty_input, std::string{fn.name()} + ": the input is empty");
  P out(x.rows(), x.cols());
  co_await ex.for_each(
      0, static_cast<std::size_t>(x.size()),
      [&](std::size_t b, std::size_t e) { fn.apply(x.data() + b, out.data() + b, e - b); },
      kernel_options{.name = fn.name()});
  co_return out;
}

template <place On, double_array P>
returns<On, P> special_on(On& on, const P& x, special_fn fn) {
  return finish<On, P>(special_map(make_exec(on), x, fn));
}

} // namespace detail

/// J0 of every element of `x`, on the pool (same shape). Empty `x`: `errc::empty_input`.
///
/// ```cpp
/// Eigen::ArrayXd x = Eigen::ArrayXd::LinSpaced(1000, 0.0, 99.9);
/// auto j = co_await troupe::numerics::bessel_j0(self, x);   // bessel_j0(node, x) outside
/// ```
template <place On, double_array P>
returns<On, P> bessel_j0(On& on, const P& x) {
  return detail::special_on(on, x, {detail::special_fn::j0});
}

/// J1 of every element of `x`.
template <place On, double_array P>
returns<On, P> bessel_j1(On& on, const P& x) {
  return detail::special_on(on, x, {detail::special_fn::j1});
}

/// Jn of every element of `x`.
template <place On, double_array P>
returns<On, P> bessel_jn(On& on, int n, const P& x) {
  return detail::special_on(on, x, {detail::special_fn::jn, static_cast<double>(n)});
}

/// Y0 of every element of `x` (NaN where x < 0).
template <place On, double_array P>
returns<On, P> bessel_y0(On& on, const P& x) {
  return detail::special_on(on, x, {detail::special_fn::y0});
}

/// Y1 of every element of `x` (NaN where x < 0).
template <place On, double_array P>
returns<On, P> bessel_y1(On& on, const P& x) {
  return detail::special_on(on, x, {detail::special_fn::y1});
}

/// Yn of every element of `x` (NaN where x < 0).
template <place On, double_array P>
returns<On, P> bessel_yn(On& on, int n, const P& x) {
  return detail::special_on(on, x, {detail::special_fn::yn, static_cast<double>(n)});
}

/// Iν of every element of `x`.
template <place On, double_array P>
returns<On, P> bessel_i(On& on, double nu, const P& x) {
  return detail::special_on(on, x, {detail::special_fn::cyl_i, nu});
}

/// Kν of every element of `x`.
template <place On, double_array P>
returns<On, P> bessel_k(On& on, double nu, const P& x) {
  return detail::special_on(on, x, {detail::special_fn::cyl_k, nu});
}

/// Γ of every element of `x`.
template <place On, double_array P>
returns<On, P> gamma(On& on, const P& x) {
  return detail::special_on(on, x, {detail::special_fn::gamma});
}

/// log |Γ| of every element of `x`.
template <place On, double_array P>
returns<On, P> lgamma(On& on, const P& x) {
  return detail::special_on(on, x, {detail::special_fn::lgamma});
}

/// erf of every element of `x`.
template <place On, double_array P>
returns<On, P> erf(On& on, const P& x) {
  return detail::special_on(on, x, {detail::special_fn::erf});
}

/// erfc of every element of `x`.
template <place On, double_array P>
returns<On, P> erfc(On& on, const P& x) {
  return detail::special_on(on, x, {detail::special_fn::erfc});
}

} // namespace troupe::numerics
