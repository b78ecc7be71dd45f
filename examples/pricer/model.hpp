/// @file
/// The Monte Carlo pricer's model, shared by the troupe pricer and its peers (bench/pricer):
/// European call/put and arithmetic-average Asian call under geometric Brownian motion in the
/// risk-neutral measure, simulated in fixed-size chunks of paths. Chunk c draws from the
/// counter-based stream keyed by (seed, c), and chunk results are combined in chunk order, so
/// the estimate has the same bits whichever worker computes which chunk, in whatever order.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pricer {

/// The contract priced.
enum class option_kind {
  /// max(S_T − K, 0), paid at maturity.
  european_call,
  /// max(K − S_T, 0), paid at maturity.
  european_put,
  /// max(A − K, 0) with A the arithmetic mean of S at `time_steps` equally spaced monitoring
  /// dates T/n, 2T/n, …, T (the spot itself is not one of them).
  asian_call,
};

/// The command-line spelling of `kind` (`european-call`, `european-put`, `asian-call`).
std::string_view name(option_kind kind) noexcept;

/// The kind spelled `text` on the command line, or nothing.
std::optional<option_kind> parse_option_kind(std::string_view text) noexcept;

/// What to price and how many paths to simulate.
struct params {
  option_kind kind = option_kind::european_call;
  double spot = 100;
  double strike = 100;
  /// Continuously compounded risk-free rate (the drift under the risk-neutral measure).
  double rate = 0.05;
  /// Volatility per square root of a year.
  double sigma = 0.2;
  /// Years to maturity.
  double maturity = 1;
  std::uint64_t paths = 1'000'000;
  /// Monitoring dates of an Asian option; European options are simulated in one exact step
  /// and ignore it.
  std::uint64_t time_steps = 32;
  std::uint64_t seed = 2024;
  /// Paths per chunk (the last chunk may have fewer); the chunking is part of the result's
  /// bits, so every implementation that must agree uses the same value.
  std::uint64_t chunk_paths = 1 << 14;
};

/// The flags `set_flag` understands, without their leading `--`.
inline constexpr std::string_view flags[] = {"option", "spot",       "strike", "rate",
                                             "sigma",  "maturity",   "paths",  "time-steps",
                                             "seed",   "chunk-paths"};

/// Sets the parameter of `--flag` (given without its dashes) from `value`; a message naming the
/// flag when the value does not parse or the flag is not one of `flags`. Ranges are checked
/// afterwards by `check`, once every flag is set.
std::optional<std::string> set_flag(params& p, std::string_view flag, std::string_view value);

/// The first parameter out of range, as one line naming its flag and what to give instead
/// (e.g. `pricer: --sigma must be zero or more (got -0.2)`), or nothing when all are usable.
std::optional<std::string> check(const params& p);

/// Chunks of `p.chunk_paths` paths that cover `p.paths` (the last one may be shorter).
std::uint64_t chunk_count(const params& p) noexcept;

/// Paths in chunk `chunk` of `p`.
std::uint64_t paths_in_chunk(const params& p, std::uint64_t chunk) noexcept;

/// The sums of one or more chunks: discounted payoffs, their squares, and how many paths.
struct chunk_result {
  double sum = 0;
  double sum_squares = 0;
  std::uint64_t count = 0;
};

/// Simulates `paths_in_chunk` paths of `p` from the random stream keyed by (`seed`, `chunk`),
/// drawing each path's normals in order (one for a European option, `time_steps` for an
/// Asian one). The same arguments give the same bits on any thread or process.
chunk_result simulate_chunk(const params& p, std::uint64_t seed, std::uint64_t chunk,
                            std::uint64_t paths_in_chunk);

/// Chunk `chunk` of `p` as `p` chunks it: `simulate_chunk(p, p.seed, chunk, paths_in_chunk(p,
/// chunk))`.
chunk_result simulate_chunk(const params& p, std::uint64_t chunk);

/// The sum of `chunks`, added one after another in the order given (chunk 0 first): pass them
/// indexed by chunk, not in the order they completed, and the bits do not depend on that order.
chunk_result combine(std::span<const chunk_result> chunks) noexcept;

/// A Monte Carlo estimate: the mean discounted payoff, its standard error and the 95 % normal
/// interval mean ± 1.96 standard errors.
struct price_estimate {
  double price = 0;
  double std_error = 0;
  double low = 0;
  double high = 0;
  std::uint64_t paths = 0;
};

/// The estimate from combined sums (sample variance with n − 1; zero error for one path).
price_estimate estimate(const chunk_result& total) noexcept;

/// The Black-Scholes value of a European call or put (the discounted intrinsic value of the
/// forward when sigma or maturity is zero); nothing for an Asian option, which has no closed form.
std::optional<double> black_scholes(const params& p) noexcept;

} // namespace pricer
