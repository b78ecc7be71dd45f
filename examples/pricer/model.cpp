#include "model.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>

#include <troupe/numerics/random.hpp>

namespace pricer {

std::string_view name(option_kind kind) noexcept {
  switch (kind) {
    case option_kind::european_call:
      return "european-call";
    case option_kind::european_put:
      return "european-put";
    case option_kind::asian_call:
      return "asian-call";
  }
  return "unknown";
}

std::optional<option_kind> parse_option_kind(std::string_view text) noexcept {
  for (auto kind : {option_kind::european_call, option_kind::european_put, option_kind::asian_call})
    if (text == name(kind))
      return kind;
  return std::nullopt;
}

namespace {

// Appended piece by piece: g++ 12 at -O3 warns falsely (-Wrestrict) on "'" + std::string.
std::string quoted(std::string_view text) {
  std::string out(1, '\'');
  out += text;
  out += '\'';
  return out;
}

// from_chars for doubles is in libstdc++ 11+, and unlike strtod it reads the whole value or
// fails, so "0.2x" is refused instead of read as 0.2.
template <class T>
std::optional<std::string> parse_number(T& out, std::string_view flag, std::string_view value,
                                        std::string_view what) {
  T parsed{};
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc{} || end != value.data() + value.size() || value.empty())
    return "pricer: --" + std::string{flag} + " takes " + std::string{what} + " (got " +
           quoted(value) + ")";
  out = parsed;
  return std::nullopt;
}

std::string shown(double x) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, ec == std::errc{} ? end : buf);
}

} // namespace

std::optional<std::string> set_flag(params& p, std::string_view flag, std::string_view value) {
  if (flag == "option") {
    if (auto kind = parse_option_kind(value)) {
      p.kind = *kind;
      return std::nullopt;
    }
    return "pricer: --option must be european-call, european-put or asian-call (got " +
           quoted(value) + ")";
  }
  constexpr std::string_view real = "a number";
  constexpr std::string_view count = "a whole number";
  if (flag == "spot")
    return parse_number(p.spot, flag, value, real);
  if (flag == "strike")
    return parse_number(p.strike, flag, value, real);
  if (flag == "rate")
    return parse_number(p.rate, flag, value, real);
  if (flag == "sigma")
    return parse_number(p.sigma, flag, value, real);
  if (flag == "maturity")
    return parse_number(p.maturity, flag, value, real);
  if (flag == "paths")
    return parse_number(p.paths, flag, value, count);
  if (flag == "time-steps")
    return parse_number(p.time_steps, flag, value, count);
  if (flag == "seed")
    return parse_number(p.seed, flag, value, count);
  if (flag == "chunk-paths")
    return parse_number(p.chunk_paths, flag, value, count);
  return "pricer: unknown option --" + std::string{flag} + " (see --help)";
}

std::optional<std::string> check(const params& p) {
  auto bad = [](std::string_view flag, std::string_view rule, double got) {
    return "pricer: --" + std::string{flag} + " must be " + std::string{rule} + " (got " +
           shown(got) + ")";
  };
  if (!std::isfinite(p.spot) || p.spot <= 0)
    return bad("spot", "a positive number", p.spot);
  if (!std::isfinite(p.strike) || p.strike < 0)
    return bad("strike", "zero or more", p.strike);
  if (!std::isfinite(p.rate))
    return bad("rate", "a finite number", p.rate);
  if (!std::isfinite(p.sigma) || p.sigma < 0)
    return bad("sigma", "zero or more", p.sigma);
  if (!std::isfinite(p.maturity) || p.maturity < 0)
    return bad("maturity", "zero or more years", p.maturity);
  if (p.paths == 0)
    return std::string{"pricer: --paths must be at least 1 (got 0)"};
  if (p.time_steps == 0)
    return std::string{"pricer: --time-steps must be at least 1 (got 0)"};
  if (p.chunk_paths == 0)
    return std::string{"pricer: --chunk-paths must be at least 1 (got 0)"};
  return std::nullopt;
}

std::uint64_t chunk_count(const params& p) noexcept {
  return p.chunk_paths == 0 ? 0 : (p.paths + p.chunk_paths - 1) / p.chunk_paths;
}

std::uint64_t paths_in_chunk(const params& p, std::uint64_t chunk) noexcept {
  auto first = chunk * p.chunk_paths;
  return first >= p.paths ? 0 : std::min(p.chunk_paths, p.paths - first);
}

chunk_result simulate_chunk(const params& p, std::uint64_t seed, std::uint64_t chunk,
                            std::uint64_t paths_in_chunk) {
  troupe::numerics::random_stream normals{{seed, chunk}};
  const double discount = std::exp(-p.rate * p.maturity);
  chunk_result out;
  out.count = paths_in_chunk;
  if (p.kind == option_kind::asian_call) {
    const auto steps = static_cast<double>(p.time_steps);
    const double dt = p.maturity / steps;
    const double drift = (p.rate - 0.5 * p.sigma * p.sigma) * dt;
    const double vol = p.sigma * std::sqrt(dt);
    for (std::uint64_t i = 0; i < paths_in_chunk; ++i) {
      double log_s = std::log(p.spot);
      double total = 0;
      for (std::uint64_t k = 0; k < p.time_steps; ++k) {
        log_s += drift + vol * normals.normal();
        total += std::exp(log_s);
      }
      double payoff = discount * std::max(total / steps - p.strike, 0.0);
      out.sum += payoff;
      out.sum_squares += payoff * payoff;
    }
    return out;
  }
  const double forward_part = p.spot * std::exp((p.rate - 0.5 * p.sigma * p.sigma) * p.maturity);
  const double vol = p.sigma * std::sqrt(p.maturity);
  const bool call = p.kind == option_kind::european_call;
  for (std::uint64_t i = 0; i < paths_in_chunk; ++i) {
    double s_t = forward_part * std::exp(vol * normals.normal());
    double payoff = discount * std::max(call ? s_t - p.strike : p.strike - s_t, 0.0);
    out.sum += payoff;
    out.sum_squares += payoff * payoff;
  }
  return out;
}

chunk_result simulate_chunk(const params& p, std::uint64_t chunk) {
  return simulate_chunk(p, p.seed, chunk, paths_in_chunk(p, chunk));
}

chunk_result combine(std::span<const chunk_result> chunks) noexcept {
  chunk_result total;
  for (const auto& c : chunks) {
    total.sum += c.sum;
    total.sum_squares += c.sum_squares;
    total.count += c.count;
  }
  return total;
}

price_estimate estimate(const chunk_result& total) noexcept {
  price_estimate e;
  e.paths = total.count;
  if (total.count == 0)
    return e;
  const auto n = static_cast<double>(total.count);
  e.price = total.sum / n;
  if (total.count > 1) {
    // Rounding can leave the difference a hair below zero when every payoff is equal.
    double variance = std::max((total.sum_squares - n * e.price * e.price) / (n - 1), 0.0);
    e.std_error = std::sqrt(variance / n);
  }
  e.low = e.price - 1.96 * e.std_error;
  e.high = e.price + 1.96 * e.std_error;
  return e;
}

std::optional<double> black_scholes(const params& p) noexcept {
  if (p.kind == option_kind::asian_call)
    return std::nullopt;
  const bool call = p.kind == option_kind::european_call;
  const double discounted_strike = p.strike * std::exp(-p.rate * p.maturity);
  const double vol = p.sigma * std::sqrt(p.maturity);
  if (vol == 0)
    return std::max(call ? p.spot - discounted_strike : discounted_strike - p.spot, 0.0);
  const double d1 =
      (std::log(p.spot / p.strike) + (p.rate + 0.5 * p.sigma * p.sigma) * p.maturity) / vol;
  const double d2 = d1 - vol;
  auto cdf = [](double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); };
  return call ? p.spot * cdf(d1) - discounted_strike * cdf(d2)
              : discounted_strike * cdf(-d2) - p.spot * cdf(-d1);
}

} // namespace pricer
