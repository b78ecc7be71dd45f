#include <troupe/numerics/random.hpp>

#include <cmath>
#include <random>
#include <vector>

#if __has_include(<Random123/philox.h>)
#include <Random123/philox.h>
#define TROUPE_HAVE_RANDOM123 1
#endif

#include "support.hpp"

using namespace troupe::numerics;
using troupe::numerics::test::same_bits;
using troupe::numerics::test::test_node;

namespace {

struct moments {
  double mean = 0;
  double variance = 0;
  double skewness = 0;
  double excess_kurtosis = 0;
};

moments moments_of(const Eigen::ArrayXd& x) {
  moments m;
  auto n = static_cast<double>(x.size());
  m.mean = x.mean();
  Eigen::ArrayXd d = x - m.mean;
  m.variance = d.square().sum() / n;
  m.skewness = d.cube().sum() / n / std::pow(m.variance, 1.5);
  m.excess_kurtosis = d.square().square().sum() / n / (m.variance * m.variance) - 3;
  return m;
}

// Pearson's statistic against expected counts; with k bins it is ~chi2(k-1) under the null,
// whose mean is k-1 and standard deviation sqrt(2(k-1)). Five standard deviations above the
// mean fails a correct generator with a probability below 1e-5 for these bin counts.
double chi_square(const std::vector<double>& observed, const std::vector<double>& expected) {
  double chi = 0;
  for (std::size_t i = 0; i < observed.size(); ++i)
    chi += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  return chi;
}

double chi_square_limit(std::size_t bins) {
  auto dof = static_cast<double>(bins - 1);
  return dof + 5 * std::sqrt(2 * dof);
}

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

constexpr stream_key key{20240601, stream_id(7, 3)};

} // namespace

TEST_CASE("philox4x32_10 matches Random123 and its known-answer vectors", "[numerics][random]") {
  // Known answers from Random123's kat_vectors for philox4x32 with 10 rounds.
  CHECK(philox4x32_10({0, 0, 0, 0}, {0, 0}) ==
        philox_block{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
  CHECK(philox4x32_10({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                      {0xffffffffu, 0xffffffffu}) ==
        philox_block{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
  CHECK(philox4x32_10({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                      {0xa4093822u, 0x299f31d0u}) ==
        philox_block{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
#ifdef TROUPE_HAVE_RANDOM123
  // And the library itself (librandom123-dev), on counters and keys of every shape.
  r123::Philox4x32 reference;
  for (std::uint32_t i = 0; i < 1000; ++i) {
    r123::Philox4x32::ctr_type c = {{i, i * 7919u, ~i, i ^ 0x5a5a5a5au}};
    r123::Philox4x32::key_type k = {{i * 31u + 1, 0xdeadbeefu - i}};
    auto want = reference(c, k);
    auto got = philox4x32_10({c.v[0], c.v[1], c.v[2], c.v[3]}, {k.v[0], k.v[1]});
    REQUIRE(got == philox_block{want.v[0], want.v[1], want.v[2], want.v[3]});
  }
#endif
}

TEST_CASE("random_stream reads blocks keyed by seed, stream id and counter", "[numerics][random]") {
  random_stream s{key};
  for (std::uint64_t b = 0; b < 3; ++b) {
    auto block = random_block(key, b);
    for (auto word : block)
      CHECK(s() == word);
  }
  CHECK(s.position() == 12);
  random_stream late{key, 2};
  CHECK(late() == random_block(key, 2)[0]);
  CHECK(random_block(key, 0) != random_block({key.seed, key.stream + 1}, 0));
  CHECK(random_block(key, 0) != random_block({key.seed + 1, key.stream}, 0));
  CHECK(stream_id(1, 2) == (std::uint64_t{1} << 32 | 2));
}

TEST_CASE("fills equal the sequential stream for 1, 2 and 4 workers and when awaited",
          "[numerics][random]") {
  constexpr Eigen::Index n = 100'001; // odd, so chunks split Box-Muller pairs
  Eigen::ArrayXd u(n), z(n), e(n), p(n);
  random_stream su{key}, sz{key}, se{key};
  for (Eigen::Index i = 0; i < n; ++i) {
    u[i] = su.uniform(-1.0, 3.0);
    z[i] = sz.normal(2.0, 0.5);
    e[i] = se.exponential(4.0);
  }
  for (Eigen::Index i = 0; i < 2001; ++i) {
    random_stream sp{key, static_cast<std::uint64_t>(i) * poisson_blocks_per_element};
    p[i] = static_cast<double>(sp.poisson(i % 2 == 0 ? 3.5 : 42.0));
  }
  for (std::size_t threads : {1, 2, 4}) {
    test_node node{threads};
    Eigen::ArrayXd fu(n), fz(n), fe(n), fp3(2001), fp42(2001);
    REQUIRE(fill_uniform(*node, fu, key, -1.0, 3.0));
    REQUIRE(fill_normal(*node, fz, key, 2.0, 0.5));
    REQUIRE(fill_exponential(*node, fe, key, 4.0));
    REQUIRE(fill_poisson(*node, fp3, key, 3.5));
    REQUIRE(fill_poisson(*node, fp42, key, 42.0));
    CHECK(same_bits(fu, u));
    CHECK(same_bits(fz, z));
    CHECK(same_bits(fe, e));
    for (Eigen::Index i = 0; i < 2001; ++i)
      REQUIRE(same_bits(i % 2 == 0 ? fp3[i] : fp42[i], p[i]));
  }
  test_node node{2};
  Eigen::ArrayXd az(n);
  auto r = troupe::numerics::test::in_actor(
      *node, [&](troupe::context& self) { return fill_normal(self, az, key, 2.0, 0.5); });
  REQUIRE(r);
  CHECK(same_bits(az, z));
}

TEST_CASE("fill_poisson fills int64 arrays with the same counts as double arrays",
          "[numerics][random]") {
  test_node node{2};
  Eigen::Array<std::int64_t, Eigen::Dynamic, 1> ints(5000);
  Eigen::ArrayXd doubles(5000);
  REQUIRE(fill_poisson(*node, ints, key, 17.0));
  REQUIRE(fill_poisson(*node, doubles, key, 17.0));
  CHECK((ints.cast<double>() == doubles).all());
}

TEST_CASE("uniform numbers have the moments and bin counts of U(0,1)", "[numerics][random]") {
  constexpr Eigen::Index n = 1'000'000;
  test_node node{2};
  Eigen::ArrayXd x(n);
  REQUIRE(fill_uniform(*node, x, key));
  CHECK(x.minCoeff() >= 0.0);
  CHECK(x.maxCoeff() < 1.0);
  auto m = moments_of(x);
  auto sn = std::sqrt(static_cast<double>(n));
  // Standard errors: mean sqrt(1/12)/sqrt(n); variance sqrt(1/180)/sqrt(n).
  CHECK(std::abs(m.mean - 0.5) < 5 * std::sqrt(1.0 / 12) / sn);
  CHECK(std::abs(m.variance - 1.0 / 12) < 5 * std::sqrt(1.0 / 180) / sn);
  constexpr std::size_t bins = 100;
  std::vector<double> observed(bins, 0), expected(bins, static_cast<double>(n) / bins);
  for (auto v : x)
    observed[static_cast<std::size_t>(v * bins)] += 1;
  CHECK(chi_square(observed, expected) < chi_square_limit(bins));
}

TEST_CASE("normal numbers have the moments and bin counts of N(0,1)", "[numerics][random]") {
  constexpr Eigen::Index n = 1'000'000;
  test_node node{2};
  Eigen::ArrayXd x(n);
  REQUIRE(fill_normal(*node, x, key));
  auto m = moments_of(x);
  auto sn = std::sqrt(static_cast<double>(n));
  // Standard errors for normal data: mean 1, variance sqrt(2), skewness sqrt(6), excess
  // kurtosis sqrt(24), each over sqrt(n).
  CHECK(std::abs(m.mean) < 5 / sn);
  CHECK(std::abs(m.variance - 1) < 5 * std::sqrt(2.0) / sn);
  CHECK(std::abs(m.skewness) < 5 * std::sqrt(6.0) / sn);
  CHECK(std::abs(m.excess_kurtosis) < 5 * std::sqrt(24.0) / sn);
  // 40 equiprobable bins from the normal quantiles.
  constexpr std::size_t bins = 40;
  std::vector<double> observed(bins, 0), expected(bins, static_cast<double>(n) / bins);
  for (auto v : x) {
    auto b = static_cast<std::size_t>(normal_cdf(v) * bins);
    observed[std::min(b, bins - 1)] += 1;
  }
  CHECK(chi_square(observed, expected) < chi_square_limit(bins));
}

TEST_CASE("exponential numbers have the mean and variance of Exp(rate)", "[numerics][random]") {
  constexpr Eigen::Index n = 1'000'000;
  constexpr double rate = 2.5;
  test_node node{2};
  Eigen::ArrayXd x(n);
  REQUIRE(fill_exponential(*node, x, key, rate));
  CHECK(x.minCoeff() > 0);
  auto m = moments_of(x);
  auto sn = std::sqrt(static_cast<double>(n));
  // Exp(rate): mean 1/rate with standard error (1/rate)/sqrt(n); variance 1/rate^2 with
  // standard error sqrt(8)/rate^2/sqrt(n) (fourth central moment 9/rate^4).
  CHECK(std::abs(m.mean - 1 / rate) < 5 / rate / sn);
  CHECK(std::abs(m.variance - 1 / (rate * rate)) < 5 * std::sqrt(8.0) / (rate * rate) / sn);
  // Bins of equal probability: P(X in [q_k, q_{k+1})) = 1/bins with q_k = -log(1 - k/bins)/rate.
  constexpr std::size_t bins = 50;
  std::vector<double> observed(bins, 0), expected(bins, static_cast<double>(n) / bins);
  for (auto v : x) {
    auto b = static_cast<std::size_t>((1 - std::exp(-rate * v)) * bins);
    observed[std::min(b, bins - 1)] += 1;
  }
  CHECK(chi_square(observed, expected) < chi_square_limit(bins));
}

TEST_CASE("Poisson counts have the mean, variance and probabilities of Poisson(mean)",
          "[numerics][random]") {
  constexpr Eigen::Index n = 400'000;
  test_node node{4};
  for (double mean : {0.7, 3.5, 42.0, 1e6}) {
    CAPTURE(mean);
    Eigen::ArrayXd x(n);
    REQUIRE(fill_poisson(*node, x, key, mean));
    auto m = moments_of(x);
    auto sn = std::sqrt(static_cast<double>(n));
    // Poisson: variance = mean; standard error of the mean sqrt(mean/n), of the variance
    // sqrt((mean + 2 mean^2)/n) (fourth central moment mean + 3 mean^2).
    CHECK(std::abs(m.mean - mean) < 5 * std::sqrt(mean) / sn);
    CHECK(std::abs(m.variance - mean) < 5 * std::sqrt(mean + 2 * mean * mean) / sn);
    if (mean > 100)
      continue;
    // Bins k = 0..K-1 plus a tail bin, with K where the expected count stays above 50.
    std::vector<double> expected;
    double p = std::exp(-mean), cdf = 0;
    for (int k = 0; static_cast<double>(n) * p >= 50 || k < mean; ++k) {
      expected.push_back(static_cast<double>(n) * p);
      cdf += p;
      p *= mean / (k + 1);
    }
    expected.push_back(static_cast<double>(n) * (1 - cdf));
    std::vector<double> observed(expected.size(), 0);
    for (auto v : x)
      observed[std::min(static_cast<std::size_t>(v), expected.size() - 1)] += 1;
    CHECK(chi_square(observed, expected) < chi_square_limit(expected.size()));
  }
}

TEST_CASE("random_stream works with the standard distributions", "[numerics][random]") {
  random_stream s{key};
  std::uniform_int_distribution<int> die(1, 6);
  int counts[7] = {};
  for (int i = 0; i < 60'000; ++i)
    ++counts[die(s)];
  for (int face = 1; face <= 6; ++face)
    CHECK(std::abs(counts[face] - 10'000) < 500); // 5 standard errors of a binomial count
}

TEST_CASE("bad distribution parameters give errors or NaN", "[numerics][random]") {
  test_node node{1};
  Eigen::ArrayXd x(10), empty;
  Eigen::MatrixXd m(4, 4);
  auto nan = std::numeric_limits<double>::quiet_NaN();
  auto inf = std::numeric_limits<double>::infinity();

  auto r = fill_uniform(*node, x, key, 1.0, 0.0);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  CHECK_THAT(r.error().message(), Catch::Contains("a = 1") && Catch::Contains("b = 0"));
  r = fill_normal(*node, x, key, 0.0, -1.0);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  r = fill_normal(*node, x, key, nan, 1.0);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  r = fill_exponential(*node, x, key, 0.0);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  r = fill_poisson(*node, x, key, -1.0);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  r = fill_poisson(*node, x, key, inf);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  r = fill_normal(*node, empty, key);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::empty_input);
  r = fill_normal(*node, m.row(0), key);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);

  random_stream s{key};
  CHECK(std::isnan(s.normal(0, -1)));
  CHECK(std::isnan(s.exponential(-2)));
  CHECK(std::isnan(s.uniform(inf, 1)));
  CHECK_THROWS_AS(s.poisson(-3), std::domain_error);
  CHECK(s.poisson(0) == 0);
}
