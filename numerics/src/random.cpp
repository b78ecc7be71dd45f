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

struct normal_pair {
  double z0;
  double z1;
};

inline normal_pair box_muller(std::uint64_t a, std::uint64_t b) noexcept {
  double r = std::sqrt(-2.0 * std::log(to_open_unit(a)));
  double theta = 2.0 * std::numbers::pi * to_unit(b);
  return {r * std::cos(theta), r * std::sin(theta)};
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
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b)
        <= -mean + k * loglam - log_factorial(k))
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

// Calls emit(i, block_batch, j) for every element i in [b, e), where element i reads block
// i / per_block of the stream and j is that block's place in the batch.
template <class Emit>
void for_blocks(stream_key key, std::size_t per_block, std::size_t b, std::size_t e, Emit emit) {
  block_batch blocks;
  std::size_t i = b;
  while (i < e) {
    std::uint64_t first = i / per_block;
    generate(blocks, key, first);
    std::size_t stop = std::min<std::uint64_t>(e, (first + batch) * per_block);
    for (; i < stop; ++i)
      emit(i, blocks, static_cast<std::size_t>(i / per_block - first));
  }
}

template <class T>
result<void> check_fill(const char* kernel, const detail::fill_view<T>& x) {
  if (x.size == 0)
    return make_error(errc::empty_input, std::string{kernel} + ": the array to fill is empty");
  if (x.stride != 1 && x.size > 1)
    return make_error(errc::invalid_argument,
                      std::string{kernel} + ": the array has inner stride "
                        + std::to_string(x.stride) + "; fill a contiguous array");
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
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  auto a = next_u64();
  auto b = next_u64();
  auto pair = box_muller(a, b);
  spare_ = pair.z1;
  has_spare_ = true;
  return pair.z0;
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
    throw std::domain_error("random_stream::poisson: the mean must be in [0, 1e15] (got "
                            + text(mean) + ")");
  return poisson_of(*this, mean);
}

namespace detail {

task<result<void>> fill_uniform(exec ex, fill_view<double> x, stream_key key, double a,
                                double b) {
  if (auto ok = check_fill("fill_uniform", x); !ok)
    co_return ok;
  if (bad_uniform(a, b))
    co_return make_error(errc::invalid_argument, "fill_uniform: the bounds must be finite with a <= b (got a = "
                                                   + text(a) + ", b = " + text(b) + ")");
  co_await ex.for_each(
    0, x.size,
    [=](std::size_t begin, std::size_t end) {
      for_blocks(key, 2, begin, end, [&](std::size_t i, const block_batch& bb, std::size_t j) {
        auto bits = i % 2 == 0 ? bb.lo(j) : bb.hi(j);
        x.data[i] = scaled_uniform(a, b, to_unit(bits));
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
                         "fill_normal: mean and sd must be finite with sd >= 0 (got mean = "
                           + text(mean) + ", sd = " + text(sd) + ")");
  co_await ex.for_each(
    0, x.size,
    [=](std::size_t begin, std::size_t end) {
      // Block k holds the pair for elements 2k and 2k + 1.
      block_batch bb;
      std::size_t i = begin;
      while (i < end) {
        std::uint64_t first = i / 2;
        generate(bb, key, first);
        for (std::size_t j = 0; j < batch && i < end; ++j) {
          auto pair = box_muller(bb.lo(j), bb.hi(j));
          if (i == 2 * (first + j))
            x.data[i++] = affine(mean, sd, pair.z0);
          if (i < end)
            x.data[i++] = affine(mean, sd, pair.z1);
        }
      }
    },
    kernel_options{.name = "fill_normal"});
  co_return result<void>{};
}

task<result<void>> fill_exponential(exec ex, fill_view<double> x, stream_key key, double rate) {
  if (auto ok = check_fill("fill_exponential", x); !ok)
    co_return ok;
  if (bad_rate(rate))
    co_return make_error(errc::invalid_argument,
                         "fill_exponential: the rate must be finite and > 0 (got " + text(rate)
                           + ")");
  co_await ex.for_each(
    0, x.size,
    [=](std::size_t begin, std::size_t end) {
      for_blocks(key, 2, begin, end, [&](std::size_t i, const block_batch& bb, std::size_t j) {
        x.data[i] = exponential_of(rate, i % 2 == 0 ? bb.lo(j) : bb.hi(j));
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

task<result<void>> fill_poisson(exec ex, fill_view<std::int64_t> x, stream_key key,
                                double mean) {
  return fill_poisson_impl(ex, x, key, mean);
}

} // namespace detail

} // namespace troupe::numerics
