/// @file
/// Counter-based random streams (Philox4x32-10) keyed by (seed, stream id, counter), their
/// distributions, and parallel fills of Eigen arrays that give the same numbers whatever the
/// thread count, chunking or node.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <Eigen/Core>

#include <troupe/numerics/exec.hpp>

namespace troupe::numerics {

/// The key of a random stream: the simulation's seed and the stream's id (e.g. an entity and
/// a step combined with `stream_id`).
struct stream_key {
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;
};

/// A stream id from an entity and a step, so that every (entity, step) draws its own numbers.
constexpr std::uint64_t stream_id(std::uint32_t entity, std::uint32_t step) noexcept {
  return (static_cast<std::uint64_t>(entity) << 32) | step;
}

/// One Philox4x32-10 block: 128 random bits, as four 32-bit words.
using philox_block = std::array<std::uint32_t, 4>;

/// The Philox4x32-10 bijection of Salmon et al., "Parallel random numbers: as easy as 1, 2,
/// 3" (SC'11): the same function as Random123's `philox4x32` (checked in the tests).
constexpr philox_block philox4x32_10(philox_block ctr, std::array<std::uint32_t, 2> key) noexcept {
  constexpr std::uint32_t m0 = 0xD2511F53u;
  constexpr std::uint32_t m1 = 0xCD9E8D57u;
  constexpr std::uint32_t w0 = 0x9E3779B9u;
  constexpr std::uint32_t w1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    auto p0 = static_cast<std::uint64_t>(m0) * ctr[0];
    auto p1 = static_cast<std::uint64_t>(m1) * ctr[2];
    ctr = {static_cast<std::uint32_t>(p1 >> 32) ^ ctr[1] ^ key[0], static_cast<std::uint32_t>(p1),
           static_cast<std::uint32_t>(p0 >> 32) ^ ctr[3] ^ key[1], static_cast<std::uint32_t>(p0)};
    key[0] += w0;
    key[1] += w1;
  }
  return ctr;
}

/// Block `index` of the stream `key`: Philox keyed by the seed, with the counter holding the
/// block index (low 64 bits) and the stream id (high 64 bits).
constexpr philox_block random_block(stream_key key, std::uint64_t index) noexcept {
  return philox4x32_10(
      {static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
       static_cast<std::uint32_t>(key.stream), static_cast<std::uint32_t>(key.stream >> 32)},
      {static_cast<std::uint32_t>(key.seed), static_cast<std::uint32_t>(key.seed >> 32)});
}

/// A double in [0, 1) from the top 53 of 64 random bits.
constexpr double to_unit(std::uint64_t bits) noexcept {
  return static_cast<double>(bits >> 11) * 0x1p-53;
}

/// A double in (0, 1), never 0 or 1: the midpoint of a cell of width 2^-52 chosen by the top 52
/// bits, so the smallest value is 2^-53 and the largest 1 − 2^-53 (safe for logarithms, and
/// symmetric about 1/2).
constexpr double to_open_unit(std::uint64_t bits) noexcept {
  return (static_cast<double>(bits >> 12) + 0.5) * 0x1p-52;
}

/// The blocks per element that `fill_poisson` reserves: element i draws from the stream
/// positioned at block `i * poisson_blocks_per_element`.
inline constexpr std::uint64_t poisson_blocks_per_element = std::uint64_t{1} << 16;

/// A sequential view of one random stream: a word sequence (four words per block) read in
/// order, with distributions on top. Cheap to create; make one per (entity, step).
///
/// Layout (what the parallel fills reproduce): `next_u64` reads two words (the first is the
/// low half); `uniform`, `normal` and `exponential` each read one `next_u64`; `poisson` reads
/// as many as it needs. So n calls of `normal()` on a fresh stream equal `fill_normal` of n
/// elements. Satisfies UniformRandomBitGenerator (32-bit words), so the
/// standard distributions work on it too (their results are not specified bit for bit).
class random_stream {
public:
  using result_type = std::uint32_t;

  /// The stream `key`, starting at block `block`.
  explicit random_stream(stream_key key, std::uint64_t block = 0) noexcept
    : key_(key)
    , block_(block) {
  }

  static constexpr result_type min() noexcept {
    return 0;
  }

  static constexpr result_type max() noexcept {
    return std::numeric_limits<result_type>::max();
  }

  /// The next 32-bit word.
  result_type operator()() noexcept {
    if (word_ == 4) {
      buf_ = random_block(key_, block_++);
      word_ = 0;
    }
    return buf_[word_++];
  }

  /// The next 64 bits (two words, the first one low).
  std::uint64_t next_u64() noexcept {
    std::uint64_t lo = (*this)();
    std::uint64_t hi = (*this)();
    return lo | (hi << 32);
  }

  /// Uniform on [0, 1), 53 random bits.
  double uniform() noexcept {
    return to_unit(next_u64());
  }

  /// Uniform on [a, b): a + (b − a)·u. NaN when a or b is not finite or b < a.
  double uniform(double a, double b) noexcept;

  /// Standard normal: the inverse normal CDF (Wichura's AS 241, about 1e-16 relative error)
  /// of a uniform in (0, 1), so |z| < 8.3.
  double normal() noexcept;

  /// Normal with `mean` and standard deviation `sd`: mean + sd·z. NaN when sd < 0 or a
  /// parameter is not finite.
  double normal(double mean, double sd) noexcept;

  /// Exponential with `rate` (mean 1/rate): −log(u)/rate with u in (0, 1). NaN when rate ≤ 0
  /// or not finite.
  double exponential(double rate = 1.0) noexcept;

  /// Poisson with `mean`: inversion for mean < 10, Hörmann's PTRS transformed rejection
  /// above. Throws `std::domain_error` unless 0 ≤ mean ≤ 1e15.
  std::uint64_t poisson(double mean);

  /// The stream's key.
  [[nodiscard]] stream_key key() const noexcept {
    return key_;
  }

  /// Words consumed since block 0 (4 per block).
  [[nodiscard]] std::uint64_t position() const noexcept {
    return block_ * 4 - (4 - word_);
  }

private:
  stream_key key_;
  std::uint64_t block_;
  philox_block buf_{};
  unsigned word_ = 4;
};

namespace detail {

/// A contiguous double (or int64) array seen as memory, for the fills.
template <class T>
struct fill_view {
  T* data = nullptr;
  std::size_t size = 0;
  std::ptrdiff_t stride = 1;
};

template <class D>
auto fill_view_of(Eigen::DenseBase<D>& x) noexcept {
  using scalar = typename D::Scalar;
  static_assert(bool(D::Flags & Eigen::DirectAccessBit),
                "troupe::numerics: fill a plain array, a Map or a block with direct access");
  return fill_view<scalar>{x.derived().data(), static_cast<std::size_t>(x.size()),
                           x.derived().innerStride()};
}

task<result<void>> fill_uniform(exec ex, fill_view<double> x, stream_key key, double a, double b);
task<result<void>> fill_normal(exec ex, fill_view<double> x, stream_key key, double mean,
                               double sd);
task<result<void>> fill_exponential(exec ex, fill_view<double> x, stream_key key, double rate);
task<result<void>> fill_poisson(exec ex, fill_view<double> x, stream_key key, double mean);
task<result<void>> fill_poisson(exec ex, fill_view<std::int64_t> x, stream_key key, double mean);

} // namespace detail

/// Fills `x` (contiguous; any shape, in storage order) with uniform numbers on [a, b) from the
/// stream `key`: element i is the i-th `uniform(a, b)` of a fresh `random_stream(key)`,
/// whatever the thread count or chunking. Bad bounds: `errc::invalid_argument`.
///
/// ```cpp
/// Eigen::ArrayXd noise(1 << 20);
/// auto ok = co_await troupe::numerics::fill_uniform(self, noise, {seed, stream_id(tile, step)});
/// ```
template <place On, dense D>
returns<On, void> fill_uniform(On& on, D&& x, stream_key key, double a = 0.0, double b = 1.0) {
  return detail::finish<On, void>(
      detail::fill_uniform(detail::make_exec(on), detail::fill_view_of(x), key, a, b));
}

/// Fills `x` with normal numbers (mean, sd): element i is the i-th `normal(mean, sd)` of a
/// fresh `random_stream(key)`. Bad parameters: `errc::invalid_argument`.
template <place On, dense D>
returns<On, void> fill_normal(On& on, D&& x, stream_key key, double mean = 0.0, double sd = 1.0) {
  return detail::finish<On, void>(
      detail::fill_normal(detail::make_exec(on), detail::fill_view_of(x), key, mean, sd));
}

/// Fills `x` with exponential numbers of `rate`: element i is the i-th `exponential(rate)` of
/// a fresh `random_stream(key)`. Bad rate: `errc::invalid_argument`.
template <place On, dense D>
returns<On, void> fill_exponential(On& on, D&& x, stream_key key, double rate = 1.0) {
  return detail::finish<On, void>(
      detail::fill_exponential(detail::make_exec(on), detail::fill_view_of(x), key, rate));
}

/// Fills `x` (doubles or `std::int64_t`) with Poisson counts of `mean`: element i is
/// `random_stream(key, i * poisson_blocks_per_element).poisson(mean)`, since a Poisson draw
/// reads a variable number of words. Bad mean: `errc::invalid_argument`.
template <place On, dense D>
returns<On, void> fill_poisson(On& on, D&& x, stream_key key, double mean) {
  return detail::finish<On, void>(
      detail::fill_poisson(detail::make_exec(on), detail::fill_view_of(x), key, mean));
}

} // namespace troupe::numerics
