#include <troupe/numerics/gemm.hpp>

#include <Eigen/Dense>

#include "support.hpp"

using namespace troupe::numerics;
using troupe::numerics::test::same_bits;
using troupe::numerics::test::test_node;

namespace {

Eigen::MatrixXd filled(Eigen::Index rows, Eigen::Index cols, double seed) {
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      m(i, j) = std::sin(seed + 0.013 * static_cast<double>(i) + 0.029 * static_cast<double>(j));
  return m;
}

} // namespace

TEST_CASE("gemm matches Eigen and gives the same bits for 1, 2 and 4 workers", "[numerics][gemm]") {
  // Wide (split by columns) and tall (split by rows) products.
  for (auto [m, k, n] : {std::tuple{300, 257, 410}, std::tuple{517, 64, 90}}) {
    CAPTURE(m, k, n);
    auto a = filled(m, k, 0.1);
    auto b = filled(k, n, 0.7);
    Eigen::MatrixXd expected = a * b;
    std::vector<Eigen::MatrixXd> results;
    for (std::size_t threads : {1, 2, 4}) {
      test_node node{threads};
      Eigen::MatrixXd c, c7;
      REQUIRE(gemm(*node, a, b, c));
      REQUIRE(gemm(*node, a, b, c7, {.chunks = 7}));
      CHECK(c7.isApprox(expected, 1e-13));
      results.push_back(c);
      results.push_back(c7);
    }
    CHECK(results[0].isApprox(expected, 1e-13));
    for (std::size_t k = 2; k < results.size(); ++k)
      CHECK(same_bits(results[k % 2], results[k]));
  }
}

TEST_CASE("gemm with alpha, beta and blocks of matrices", "[numerics][gemm]") {
  test_node node{2};
  auto big = filled(200, 200, 0.3);
  auto b = filled(120, 150, 0.9);
  Eigen::MatrixXd c = filled(100, 150, 1.7);
  Eigen::MatrixXd expected = 0.5 * c + 2.0 * big.block(10, 20, 100, 120) * b;
  REQUIRE(gemm(*node, big.block(10, 20, 100, 120), b, c, {.alpha = 2.0, .beta = 0.5}));
  CHECK(c.isApprox(expected, 1e-13));
}

TEST_CASE("gemm awaited in an actor equals the synchronous call", "[numerics][gemm]") {
  test_node node{2};
  auto a = filled(150, 130, 0.2);
  auto b = filled(130, 170, 0.4);
  Eigen::MatrixXd sync, awaited;
  REQUIRE(gemm(*node, a, b, sync));
  auto r = troupe::numerics::test::in_actor(
      *node, [&](troupe::context& self) { return gemm(self, a, b, awaited); });
  REQUIRE(r);
  CHECK(same_bits(sync, awaited));
}

TEST_CASE("gemv matches Eigen and gives the same bits for 1, 2 and 4 workers", "[numerics][gemm]") {
  auto a = filled(1000, 333, 0.5);
  Eigen::VectorXd x = filled(333, 1, 0.8);
  Eigen::VectorXd y0 = filled(1000, 1, 0.1);
  Eigen::VectorXd expected = 3.0 * a * x - y0;
  std::vector<Eigen::VectorXd> results;
  for (std::size_t threads : {1, 2, 4}) {
    test_node node{threads};
    Eigen::VectorXd y = y0;
    REQUIRE(gemv(*node, a, x, y, {.alpha = 3.0, .beta = -1.0, .chunks = 6}));
    results.push_back(y);
  }
  CHECK(results[0].isApprox(expected, 1e-13));
  CHECK(same_bits(results[0], results[1]));
  CHECK(same_bits(results[0], results[2]));
}

TEST_CASE("gemm and gemv report mismatched, empty and aliased operands", "[numerics][gemm]") {
  test_node node{1};
  auto a = filled(4, 3, 0.1);
  auto b = filled(4, 2, 0.2);
  Eigen::MatrixXd c, empty;
  auto r = gemm(*node, a, b, c);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::dimension_mismatch);
  CHECK_THAT(r.error().message(), Catch::Contains("4x3") && Catch::Contains("4x2"));

  r = gemm(*node, empty, empty, c);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::empty_input);

  Eigen::MatrixXd wrong = Eigen::MatrixXd::Zero(2, 2);
  r = gemm(*node, a, filled(3, 5, 0.3), wrong, {.beta = 1.0});
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::dimension_mismatch);

  Eigen::MatrixXd square = filled(5, 5, 0.4);
  r = gemm(*node, square, filled(5, 5, 0.5), square);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);

  Eigen::VectorXd x(2), y;
  auto v = gemv(*node, a, x, y);
  REQUIRE_FALSE(v);
  CHECK(v.error() == errc::dimension_mismatch);
  Eigen::VectorXd y_wrong(7);
  v = gemv(*node, a, Eigen::VectorXd::Ones(3), y_wrong, {.beta = 2.0});
  REQUIRE_FALSE(v);
  CHECK(v.error() == errc::dimension_mismatch);
}
