#include <troupe/numerics/random.hpp>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include <math.h> // lgamma_r: std::lgamma writes the global signgam, a data race across workers

#include <troupe/numerics/errc.hpp>

namespace troupe::numerics {

namespace {

// The transforms live in this file only, so that the sequential stream and the parallel fills
// run the same machine code (same contraction into FMA) and agree bit for bit.

// M. J. Wichura, "Algorithm AS 241: The percentage points of the normal distribution",
// Applied Statistics 37 (1988): PPND16, accurate to about 1e-16. One uniform per variate and no
// trigonometry; the central branch (85% of the draws) is a rational function that vectorizes.
inline double ppnd_central(double q) noexcept {
  double r = 0.180625 - q * q;
  double num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r +
                     6.7265770927008700853e+4) *
                        r +
                    4.5921953931549871457e+4) *
                       r +
                   1.3731693765509461125e+4) *
                      r +
                  1.9715909503065514427e+3) *
                     r +
                 1.3314166789178437745e+2) *
                    r +
                3.3871328727963666080e+0) *
               q;
  double den = (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r +
                     3.9307895800092710610e+4) *
                        r +
                    2.1213794301586595867e+4) *
                       r +
                   5.3941960214247511077e+3) *
                      r +
                  6.8718700749205790830e+2) *
                     r +
                 4.2313330701600911252e+1) *
                    r +
                1.0);
  return num / den;
}

double ppnd_tail(double p, double q) noexcept {
  double r = std::sqrt(-std::log(q < 0 ? p : 1.0 - p));
  double x;
  if (r <= 5.0) {
    r -= 1.6;
    double num = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r +
                       2.41780725177450611770e-1) *
                          r +
                      1.27045825245236838258e+0) *
                         r +
                     3.64784832476320460504e+0) *
                        r +
                    5.76949722146069140550e+0) *
                       r +
                   4.63033784615654529590e+0) *
                      r +
                  1.42343711074968357734e+0);
    double den = (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r +
                       1.51986665636164571966e-2) *
                          r +
                      1.48103976427480074590e-1) *
                         r +
                     6.89767334985100004550e-1) *
                        r +
                    1.67638483018380384940e+0) *
                       r +
                   2.05319162663775882187e+0) *
                      r +
                  1.0);
    x = num / den;
  } else {
    r -= 5.0;
    double num = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
                       1.24266094738807843860e-3) *
                          r +
                      2.65321895265761230930e-2) *
                         r +
                     2.96560571828504891230e-1) *
                        r +
                    1.78482653991729133580e+0) *
                       r +
                   5.46378491116411436990e+0) *
                      r +
                  6.65790464350110377720e+0);
    double den = (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r +
                       1.84631831751005468180e-5) *
                          r +
                      7.86869131145613259100e-4) *
                         r +
                     1.48753612908506148525e-2) *
                        r +
                    1.36929880922735805310e-1) *
                       r +
                   5.99832206555887937690e-1) *
                      r +
                  1.0);
    x = num / den;
  }
  return q < 0 ? -x : x;
}

constexpr double ppnd_split = 0.425;

// The standard normal quantile of the open uniform made from `bits`.
inline double normal_of(std::uint64_t bits) noexcept {
  double p = to_open_unit(bits);
  double q = p - 0.5;
  return std::fabs(q) <= ppnd_split ? ppnd_central(q) : ppnd_tail(p, q);
}

inline double affine(double mean, double sd, double z) noexcept {
  return mean + sd * z;
}

inline double scaled_uniform(double a, double b, double u) noexcept {
  return a + (b - a) * u;
}

inline double exponential_of(double rate, std::uint64_t bits) noexcept {
  return -std::log(to_open_unit(bits)) / rate;
}

constexpr double poisson_mean_max = 1e15;

bool bad_uniform(double a, double b) noexcept {
  return !std::isfinite(a) || !std::isfinite(b) || b < a;
}

bool bad_normal(double mean, double sd) noexcept {
  return !std::isfinite(mean) || !std::isfinite(sd) || sd < 0;
}

bool bad_rate(double rate) noexcept {
  return !std::isfinite(rate) || !(rate > 0);
}

bool bad_poisson_mean(double mean) noexcept {
  return !(mean >= 0 && mean <= poisson_mean_max);
}

double log_factorial(double k) noexcept {
  int sign = 0;
  return lgamma_r(k + 1.0, &sign);
}

// Inversion: one uniform, walk the CDF from 0 (mean < 10 keeps the walk short).
std::uint64_t poisson_inversion(random_stream& s, double mean) noexcept {
  double u = s.uniform();
  double p = std::exp(-mean);
  double cdf = p;
  std::uint64_t k = 0;
  while (u > cdf && p > 0) {
    ++k;
    p *= mean / static_cast<double>(k);
    cdf += p;
  }
  return k;
}

// W. Hörmann, "The transformed rejection method for generating Poisson random variables",
// Insurance: Mathematics and Economics 12 (1993), algorithm PTRS; the constants as published.
std::uint64_t poisson_ptrs(random_stream& s, double mean) noexcept {
  double slam = std::sqrt(mean);
  double loglam = std::log(mean);
  double b = 0.931 + 2.53 * slam;
  double a = -0.059 + 0.02483 * b;
  double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  double vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    double u = s.uniform() - 0.5;
    double v = s.uniform();
    double us = 0.5 - std::fabs(u);
    double k = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr)
      return static_cast<std::uint64_t>(k);
    if (k < 0 || (us < 0.013 && v > us))
      continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - log_factorial(k))
      return static_cast<std::uint64_t>(k);
  }
}

std::uint64_t poisson_of(random_stream& s, double mean) noexcept {
  if (mean == 0)
    return 0;
  return mean < 10 ? poisson_inversion(s, mean) : poisson_ptrs(s, mean);
}

// Philox on a batch of consecutive blocks, laid out so that the compiler vectorizes the
// rounds across blocks (32x32->64 multiplies are one instruction per lane).
constexpr std::size_t batch = 64;

struct block_batch {
  alignas(64) std::uint32_t w0[batch];
  alignas(64) std::uint32_t w1[batch];
  alignas(64) std::uint32_t w2[batch];
  alignas(64) std::uint32_t w3[batch];

  std::uint64_t lo(std::size_t j) const noexcept {
    return w0[j] | (static_cast<std::uint64_t>(w1[j]) << 32);
  }

  std::uint64_t hi(std::size_t j) const noexcept {
    return w2[j] | (static_cast<std::uint64_t>(w3[j]) << 32);
  }
};

void generate(block_batch& out, stream_key key, std::uint64_t first) noexcept {
  auto s0 = static_cast<std::uint32_t>(key.stream);
  auto s1 = static_cast<std::uint32_t>(key.stream >> 32);
  for (std::size_t j = 0; j < batch; ++j) {
    auto index = first + j;
    out.w0[j] = static_cast<std::uint32_t>(index);
    out.w1[j] = static_cast<std::uint32_t>(index >> 32);
    out.w2[j] = s0;
    out.w3[j] = s1;
  }
  auto k0 = static_cast<std::uint32_t>(key.seed);
  auto k1 = static_cast<std::uint32_t>(key.seed >> 32);
  for (int round = 0; round < 10; ++round) {
    for (std::size_t j = 0; j < batch; ++j) {
      auto p0 = std::uint64_t{0xD2511F53u} * out.w0[j];
      auto p1 = std::uint64_t{0xCD9E8D57u} * out.w2[j];
      auto c1 = out.w1[j];
      auto c3 = out.w3[j];
      out.w0[j] = static_cast<std::uint32_t>(p1 >> 32) ^ c1 ^ k0;
      out.w1[j] = static_cast<std::uint32_t>(p1);
      out.w2[j] = static_cast<std::uint32_t>(p0 >> 32) ^ c3 ^ k1;
      out.w3[j] = static_cast<std::uint32_t>(p0);
    }
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
}

// Element i of a fill reads the i-th 64-bit number of the stream (block i / 2, low half
// first). Calls run(base, bits, lo, hi) for the elements base + k, k in [lo, hi), of [b, e),
// with bits[k] their random numbers, a batch of blocks at a time.
template <class Run>
void for_u64(stream_key key, std::size_t b, std::size_t e, Run run) {
  block_batch blocks;
  alignas(64) std::uint64_t bits[2 * batch];
  std::size_t i = b;
  while (i < e) {
    std::uint64_t first = i / 2;
    generate(blocks, key, first);
    for (std::size_t j = 0; j < batch; ++j) {
      bits[2 * j] = blocks.lo(j);
      bits[2 * j + 1] = blocks.hi(j);
    }
    auto base = static_cast<std::size_t>(2 * first);
    auto hi = std::min<std::size_t>(e - base, 2 * batch);
    run(base, bits, i - base, hi);
    i = base + hi;
  }
}

template <class T>
result<void> check_fill(const char* kernel, const detail::fill_view<T>& x) {
  if (x.size == 0)
    return make_error(errc::empty_input, std::string{kernel} + ": the array to fill is empty");
  if (x.stride != 1 && x.size > 1)
    return make_error(errc::invalid_argument,
                      std::string{kernel} + ": the array has inner stride " +
                          std::to_string(x.stride) + "; fill a contiguous array");
  return {};
}

std::string text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

} // namespace

double random_stream::uniform(double a, double b) noexcept {
  auto u = uniform();
  if (bad_uniform(a, b))
    return std::numeric_limits<double>::quiet_NaN();
  return scaled_uniform(a, b, u);
}

double random_stream::normal() noexcept {
  return normal_of(next_u64());
}

double random_stream::normal(double mean, double sd) noexcept {
  auto z = normal();
  if (bad_normal(mean, sd))
    return std::numeric_limits<double>::quiet_NaN();
  return affine(mean, sd, z);
}

double random_stream::exponential(double rate) noexcept {
  auto bits = next_u64();
  if (bad_rate(rate))
    return std::numeric_limits<double>::quiet_NaN();
  return exponential_of(rate, bits);
}

std::uint64_t random_stream::poisson(double mean) {
  if (bad_poisson_mean(mean))
    throw std::domain_error("random_stream::poisson: the mean must be in [0, 1e15] (got " +
                            text(mean) + ")");
  return poisson_of(*this, mean);
}

namespace detail {

task<result<void>> fill_uniform(exec ex, fill_view<double> x, stream_key key, double a, double b) {
  if (auto ok = check_fill("fill_uniform", x); !ok)
    co_return ok;
  if (bad_uniform(a, b))
    co_return make_error(errc::invalid_argument,
                         "fill_uniform: the bounds must be finite with a <= b (got a = " + text(a) +
                             ", b = " + text(b) + ")");
  co_await ex.for_each(
      0, x.size,
      [=](std::size_t begin, std::size_t end) {
        for_u64(key, begin, end,
                [&](std::size_t base, const std::uint64_t* bits, std::size_t lo, std::size_t hi) {
                  for (auto k = lo; k < hi; ++k)
                    x.data[base + k] = scaled_uniform(a, b, to_unit(bits[k]));
                });
      },
      kernel_options{.name = "fill_uniform"});
  co_return result<void>{};
}

task<result<void>> fill_normal(exec ex, fill_view<double> x, stream_key key, double mean,
                               double sd) {
  if (auto ok = check_fill("fill_normal", x); !ok)
    co_return ok;
  if (bad_normal(mean, sd))
    co_return make_error(errc::invalid_argument,
                         "fill_normal: mean and sd must be finite with sd >= 0 (got mean = " +
                             text(mean) + ", sd = " + text(sd) + ")");
  co_await ex.for_each(
      0, x.size,
      [=](std::size_t begin, std::size_t end) {
        alignas(64) double z[2 * batch];
        std::uint32_t tail[2 * batch];
        for_u64(key, begin, end,
                [&](std::size_t base, const std::uint64_t* bits, std::size_t lo, std::size_t hi) {
                  // The central branch for every element (vectorized), then the tails (15%),
                  // listed without branches so that their random positions cost no mispredicts.
                  for (auto k = lo; k < hi; ++k)
                    z[k] = ppnd_central(to_open_unit(bits[k]) - 0.5);
                  std::size_t tails = 0;
                  for (auto k = lo; k < hi; ++k) {
                    tail[tails] = static_cast<std::uint32_t>(k);
                    tails += std::fabs(to_open_unit(bits[k]) - 0.5) > ppnd_split ? 1 : 0;
                  }
                  for (std::size_t t = 0; t < tails; ++t) {
                    auto k = tail[t];
                    double p = to_open_unit(bits[k]);
                    z[k] = ppnd_tail(p, p - 0.5);
                  }
                  for (auto k = lo; k < hi; ++k)
                    x.data[base + k] = affine(mean, sd, z[k]);
                });
      },
      kernel_options{.name = "fill_normal"});
  co_return result<void>{};
}

task<result<void>> fill_exponential(exec ex, fill_view<double> x, stream_key key, double rate) {
  if (auto ok = check_fill("fill_exponential", x); !ok)
    co_return ok;
  if (bad_rate(rate))
    co_return make_error(errc::invalid_argument,
                         "fill_exponential: the rate must be finite and > 0 (got " + text(rate) +
                             ")");
  co_await ex.for_each(
      0, x.size,
      [=](std::size_t begin, std::size_t end) {
        for_u64(key, begin, end,
                [&](std::size_t base, const std::uint64_t* bits, std::size_t lo, std::size_t hi) {
                  for (auto k = lo; k < hi; ++k)
                    x.data[base + k] = exponential_of(rate, bits[k]);
                });
      },
      kernel_options{.name = "fill_exponential"});
  co_return result<void>{};
}

namespace {

template <class T>
task<result<void>> fill_poisson_impl(exec ex, fill_view<T> x, stream_key key, double mean) {
  if (auto ok = check_fill("fill_poisson", x); !ok)
    co_return ok;
  if (bad_poisson_mean(mean))
    co_return make_error(errc::invalid_argument,
                         "fill_poisson: the mean must be in [0, 1e15] (got " + text(mean) + ")");
  co_await ex.for_each(
      0, x.size,
      [=](std::size_t begin, std::size_t end) {
        for (auto i = begin; i < end; ++i) {
          random_stream s{key, i * poisson_blocks_per_element};
          x.data[i] = static_cast<T>(poisson_of(s, mean));
        }
      },
      kernel_options{.name = "fill_poisson"});
  co_return result<void>{};
}

} // namespace

task<result<void>> fill_poisson(exec ex, fill_view<double> x, stream_key key, double mean) {
  return fill_poisson_impl(ex, x, key, mean);
}

task<result<void>> fill_poisson(exec ex, fill_view<std::int64_t> x, stream_key key, double mean) {
  return fill_poisson_impl(ex, x, key, mean);
}

} // namespace detail

} // namespace troupe::numerics
