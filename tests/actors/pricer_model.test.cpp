#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <numbers>
#include <random>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "model.hpp"

using pricer::chunk_result;
using pricer::option_kind;
using pricer::params;

namespace {

bool same_bits(const chunk_result& a, const chunk_result& b) {
  return std::memcmp(&a.sum, &b.sum, sizeof a.sum) == 0 &&
         std::memcmp(&a.sum_squares, &b.sum_squares, sizeof a.sum_squares) == 0 &&
         a.count == b.count;
}

std::vector<chunk_result> all_chunks(const params& p) {
  std::vector<chunk_result> out;
  for (std::uint64_t c = 0; c < pricer::chunk_count(p); ++c)
    out.push_back(pricer::simulate_chunk(p, c));
  return out;
}

pricer::price_estimate price(const params& p) {
  return pricer::estimate(pricer::combine(all_chunks(p)));
}

// The discretely monitored geometric-average Asian call (Kemna and Vorst's closed form for the
// dates T/n, ..., T): a lower bound of the arithmetic one path by path.
double geometric_asian_call(const params& p) {
  auto n = static_cast<double>(p.time_steps);
  double mean =
      std::log(p.spot) + (p.rate - 0.5 * p.sigma * p.sigma) * p.maturity * (n + 1) / (2 * n);
  double var = p.sigma * p.sigma * p.maturity * (n + 1) * (2 * n + 1) / (6 * n * n);
  double sd = std::sqrt(var);
  double d1 = (mean - std::log(p.strike) + var) / sd;
  auto cdf = [](double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); };
  return std::exp(-p.rate * p.maturity) *
         (std::exp(mean + 0.5 * var) * cdf(d1) - p.strike * cdf(d1 - sd));
}

params with(option_kind kind, double spot, double strike, double rate, double sigma,
            double maturity) {
  params p;
  p.kind = kind;
  p.spot = spot;
  p.strike = strike;
  p.rate = rate;
  p.sigma = sigma;
  p.maturity = maturity;
  p.paths = 200'000;
  return p;
}

} // namespace

TEST_CASE("black_scholes gives the textbook values and put-call parity", "[pricer]") {
  auto call = with(option_kind::european_call, 100, 100, 0.05, 0.2, 1);
  auto put = with(option_kind::european_put, 100, 100, 0.05, 0.2, 1);
  // Hull's worked values for S = K = 100, r = 5 %, sigma = 20 %, T = 1.
  CHECK(*pricer::black_scholes(call) == Approx(10.450583572185565).epsilon(1e-12));
  CHECK(*pricer::black_scholes(put) == Approx(5.573526022256971).epsilon(1e-12));
  CHECK(*pricer::black_scholes(call) - *pricer::black_scholes(put) ==
        Approx(100 - 100 * std::exp(-0.05)).epsilon(1e-12));
  call.sigma = 0;
  CHECK(*pricer::black_scholes(call) == Approx(100 - 100 * std::exp(-0.05)));
  CHECK_FALSE(pricer::black_scholes(with(option_kind::asian_call, 100, 100, 0.05, 0.2, 1)));
}

TEST_CASE("a European price is within 4 standard errors of Black-Scholes", "[pricer]") {
  auto p = GENERATE(with(option_kind::european_call, 100, 100, 0.05, 0.2, 1),
                    with(option_kind::european_put, 100, 110, 0.03, 0.25, 0.5),
                    with(option_kind::european_call, 80, 120, 0.01, 0.6, 2),
                    with(option_kind::european_put, 50, 45, 0.0, 0.1, 0.25));
  auto e = price(p);
  auto exact = *pricer::black_scholes(p);
  INFO(pricer::name(p.kind) << " S " << p.spot << " K " << p.strike << ": MC " << e.price << " ± "
                            << e.std_error << ", Black-Scholes " << exact);
  REQUIRE(e.paths == p.paths);
  REQUIRE(e.std_error > 0);
  CHECK(std::abs(e.price - exact) < 4 * e.std_error);
  CHECK(e.low < e.price);
  CHECK(e.high > e.price);
  CHECK(e.high - e.low == Approx(2 * 1.96 * e.std_error));
}

TEST_CASE("an Asian call lies between the geometric Asian and the European call", "[pricer]") {
  auto p = with(option_kind::asian_call, 100, 100, 0.05, 0.2, 1);
  p.paths = 50'000;
  auto e = price(p);
  auto european = *pricer::black_scholes(with(option_kind::european_call, 100, 100, 0.05, 0.2, 1));
  INFO("Asian " << e.price << " ± " << e.std_error << ", geometric " << geometric_asian_call(p)
                << ", European " << european);
  CHECK(e.price > geometric_asian_call(p) - 4 * e.std_error);
  // The arithmetic average beats the geometric one by a few cents here, not by a dollar.
  CHECK(e.price < geometric_asian_call(p) + 1.0);
  CHECK(e.price < european);
}

TEST_CASE("a chunk simulated twice from the same seed and chunk has the same bits", "[pricer]") {
  auto p = GENERATE(with(option_kind::european_call, 100, 100, 0.05, 0.2, 1),
                    with(option_kind::asian_call, 100, 95, 0.05, 0.3, 1));
  auto a = pricer::simulate_chunk(p, 7, 3, 4096);
  auto b = pricer::simulate_chunk(p, 7, 3, 4096);
  CHECK(same_bits(a, b));
  // Another chunk or another seed draws other numbers.
  CHECK(pricer::simulate_chunk(p, 7, 4, 4096).sum != a.sum);
  CHECK(pricer::simulate_chunk(p, 8, 3, 4096).sum != a.sum);
}

TEST_CASE("combine adds chunk results in chunk order", "[pricer]") {
  auto p = with(option_kind::european_put, 100, 100, 0.05, 0.2, 1);
  p.chunk_paths = 97;
  auto chunks = all_chunks(p);
  double sum = 0;
  double squares = 0;
  for (const auto& c : chunks) {
    sum += c.sum;
    squares += c.sum_squares;
  }
  // Floating-point addition is not associative: these sums added backwards differ in the last
  // bits, so the checks below would see another order.
  double backwards = 0;
  for (auto c = chunks.rbegin(); c != chunks.rend(); ++c)
    backwards += c->sum;
  REQUIRE(backwards != sum);
  auto total = pricer::combine(chunks);
  CHECK(std::memcmp(&total.sum, &sum, sizeof sum) == 0);
  CHECK(std::memcmp(&total.sum_squares, &squares, sizeof squares) == 0);
  CHECK(total.count == p.paths);
}

TEST_CASE("chunks computed in any order on any thread combine to the same bits", "[pricer]") {
  auto p = GENERATE(with(option_kind::european_call, 100, 100, 0.05, 0.2, 1),
                    with(option_kind::asian_call, 100, 100, 0.05, 0.2, 1));
  p.paths = 20'000;
  p.chunk_paths = 1000;
  auto in_order = pricer::combine(all_chunks(p));
  auto threads = GENERATE(1u, 2u, 4u);
  std::vector<std::uint64_t> order(pricer::chunk_count(p));
  for (std::uint64_t c = 0; c < order.size(); ++c)
    order[c] = c;
  std::shuffle(order.begin(), order.end(), std::mt19937{threads});
  std::vector<chunk_result> results(order.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (auto i = next++; i < order.size(); i = next++)
        results[order[i]] = pricer::simulate_chunk(p, order[i]);
    });
  for (auto& t : pool)
    t.join();
  INFO(threads << " threads, chunks in shuffled order");
  CHECK(same_bits(pricer::combine(results), in_order));
}

TEST_CASE("the last chunk holds the paths left over", "[pricer]") {
  params p;
  p.paths = 10;
  p.chunk_paths = 4;
  CHECK(pricer::chunk_count(p) == 3);
  CHECK(pricer::paths_in_chunk(p, 0) == 4);
  CHECK(pricer::paths_in_chunk(p, 2) == 2);
  CHECK(pricer::paths_in_chunk(p, 3) == 0);
  CHECK(pricer::combine(all_chunks(p)).count == 10);
}

TEST_CASE("bad parameters are refused with a message naming the flag", "[pricer]") {
  params p;
  CHECK_FALSE(pricer::check(p));
  auto refused = [](auto change) {
    params q;
    change(q);
    auto message = pricer::check(q);
    return message ? *message : std::string{"accepted"};
  };
  CHECK(refused([](params& q) { q.sigma = -0.2; }) ==
        "pricer: --sigma must be zero or more (got -0.2)");
  CHECK(refused([](params& q) { q.maturity = -1; }) ==
        "pricer: --maturity must be zero or more years (got -1)");
  CHECK(refused([](params& q) { q.paths = 0; }) == "pricer: --paths must be at least 1 (got 0)");
  CHECK(refused([](params& q) { q.spot = 0; }) ==
        "pricer: --spot must be a positive number (got 0)");
  CHECK(refused([](params& q) { q.time_steps = 0; }) ==
        "pricer: --time-steps must be at least 1 (got 0)");

  CHECK(*pricer::set_flag(p, "option", "bermudan-call") ==
        "pricer: --option must be european-call, european-put or asian-call (got 'bermudan-call')");
  CHECK(*pricer::set_flag(p, "sigma", "0.2x") == "pricer: --sigma takes a number (got '0.2x')");
  CHECK(*pricer::set_flag(p, "paths", "-5") == "pricer: --paths takes a whole number (got '-5')");
  CHECK(*pricer::set_flag(p, "volatility", "0.2") ==
        "pricer: unknown option --volatility (see --help)");
  CHECK_FALSE(pricer::check(p));
}

TEST_CASE("set_flag reads every flag of the command line", "[pricer]") {
  params p;
  for (auto [flag, value] : {std::pair{"option", "asian-call"},
                             {"spot", "90"},
                             {"strike", "95.5"},
                             {"rate", "-0.01"},
                             {"sigma", "0.3"},
                             {"maturity", "2"},
                             {"paths", "1000"},
                             {"time-steps", "12"},
                             {"seed", "42"},
                             {"chunk-paths", "100"}})
    REQUIRE_FALSE(pricer::set_flag(p, flag, value));
  CHECK(p.kind == option_kind::asian_call);
  CHECK(p.spot == 90);
  CHECK(p.strike == 95.5);
  CHECK(p.rate == -0.01);
  CHECK(p.sigma == 0.3);
  CHECK(p.maturity == 2);
  CHECK(p.paths == 1000);
  CHECK(p.time_steps == 12);
  CHECK(p.seed == 42);
  CHECK(p.chunk_paths == 100);
  CHECK(std::size(pricer::flags) == 10);
}
