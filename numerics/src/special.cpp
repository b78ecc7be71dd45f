#include <troupe/numerics/special.hpp>

#include <cmath>
#include <exception>
#include <limits>

#include <math.h> // j0, j1, jn, y0, y1, yn, lgamma_r (POSIX and GNU)

namespace troupe::numerics {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

bool is_integer(double x) noexcept {
  return std::isfinite(x) && std::floor(x) == x;
}

} // namespace

namespace special {

double j0(double x) noexcept {
  return ::j0(x);
}

double j1(double x) noexcept {
  return ::j1(x);
}

double jn(int n, double x) noexcept {
  return ::jn(n, x);
}

double y0(double x) noexcept {
  return x < 0 ? nan : ::y0(x);
}

double y1(double x) noexcept {
  return x < 0 ? nan : ::y1(x);
}

double yn(int n, double x) noexcept {
  return x < 0 ? nan : ::yn(n, x);
}

double cyl_i(double nu, double x) noexcept {
  if (std::isnan(nu) || std::isnan(x) || nu < 0 || std::isinf(nu))
    return nan;
  if (x < 0) {
    if (!is_integer(nu))
      return nan;
    auto value = cyl_i(nu, -x);
    return std::fmod(nu, 2.0) == 0 ? value : -value;
  }
  if (std::isinf(x))
    return inf;
  try {
    return std::cyl_bessel_i(nu, x);
  } catch (const std::exception&) {
    // libstdc++ throws where its series or continued fraction gives up (huge x): the value
    // overflows there.
    return inf;
  }
}

double cyl_k(double nu, double x) noexcept {
  if (std::isnan(nu) || std::isnan(x) || nu < 0 || std::isinf(nu) || x < 0)
    return nan;
  if (x == 0)
    return inf;
  if (std::isinf(x))
    return 0;
  try {
    return std::cyl_bessel_k(nu, x);
  } catch (const std::exception&) {
    // Thrown for huge x, where Kν(x) ~ sqrt(pi/2x)·e^-x has underflowed.
    return 0;
  }
}

double gamma(double x) noexcept {
  return std::tgamma(x);
}

double lgamma(double x) noexcept {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

double erf(double x) noexcept {
  return std::erf(x);
}

double erfc(double x) noexcept {
  return std::erfc(x);
}

} // namespace special

namespace detail {

void special_fn::apply(const double* in, double* out, std::size_t n) const noexcept {
  auto order_int = static_cast<int>(order);
  switch (kind) {
    case j0:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = special::j0(in[i]);
      break;
    case j1:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = special::j1(in[i]);
      break;
    case jn:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = special::jn(order_int, in[i]);
      break;
    case y0:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = special::y0(in[i]);
      break;
    case y1:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = special::y1(in[i]);
      break;
    case yn:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = special::yn(order_int, in[i]);
      break;
    case cyl_i:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = special::cyl_i(order, in[i]);
      break;
    case cyl_k:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = special::cyl_k(order, in[i]);
      break;
    case gamma:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = special::gamma(in[i]);
      break;
    case lgamma:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = special::lgamma(in[i]);
      break;
    case erf:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = special::erf(in[i]);
      break;
    case erfc:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = special::erfc(in[i]);
      break;
  }
}

const char* special_fn::name() const noexcept {
  switch (kind) {
    case j0:
      return "bessel_j0";
    case j1:
      return "bessel_j1";
    case jn:
      return "bessel_jn";
    case y0:
      return "bessel_y0";
    case y1:
      return "bessel_y1";
    case yn:
      return "bessel_yn";
    case cyl_i:
      return "bessel_i";
    case cyl_k:
      return "bessel_k";
    case gamma:
      return "gamma";
    case lgamma:
      return "lgamma";
    case erf:
      return "erf";
    case erfc:
      return "erfc";
  }
  return "special";
}

} // namespace detail

} // namespace troupe::numerics
