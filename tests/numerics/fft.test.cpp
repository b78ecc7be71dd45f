#include <troupe/numerics/fft.hpp>

#include <cmath>
#include <numbers>

#include "support.hpp"

using namespace troupe::numerics;
using troupe::numerics::test::same_bits;
using troupe::numerics::test::test_node;

namespace {

using cd = std::complex<double>;

// The O(n^2) definition X_k = sum_t x_t e^{-2 pi i k t / n}, as the reference.
Eigen::VectorXcd naive_dft(const Eigen::VectorXcd& x) {
  auto n = x.size();
  Eigen::VectorXcd y = Eigen::VectorXcd::Zero(n);
  for (Eigen::Index k = 0; k < n; ++k)
    for (Eigen::Index t = 0; t < n; ++t)
      y[k] += x[t] * std::polar(1.0, -2 * std::numbers::pi * static_cast<double>((k * t) % n) /
                                         static_cast<double>(n));
  return y;
}

Eigen::MatrixXcd naive_dft2(const Eigen::MatrixXcd& x) {
  Eigen::MatrixXcd y(x.rows(), x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    y.col(j) = naive_dft(x.col(j));
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    y.row(i) = naive_dft(y.row(i).transpose()).transpose();
  return y;
}

Eigen::VectorXcd signal(Eigen::Index n) {
  Eigen::VectorXcd x(n);
  for (Eigen::Index t = 0; t < n; ++t)
    x[t] = cd{std::sin(0.3 * static_cast<double>(t)) + 0.1 * static_cast<double>(t % 5),
              std::cos(1.7 * static_cast<double>(t * t % 11))};
  return x;
}

Eigen::MatrixXcd field(Eigen::Index rows, Eigen::Index cols) {
  Eigen::MatrixXcd x(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    x.col(j) = signal(rows) * cd{std::cos(0.2 * static_cast<double>(j)), 0.5};
  return x;
}

double max_error(const Eigen::MatrixXcd& a, const Eigen::MatrixXcd& b) {
  return (a - b).cwiseAbs().maxCoeff() / std::max(1.0, b.cwiseAbs().maxCoeff());
}

} // namespace

TEST_CASE("fft and ifft match the DFT definition for lengths with any factors", "[numerics][fft]") {
  test_node n{2};
  for (Eigen::Index len : {1, 2, 3, 4, 7, 12, 30, 64, 97, 100}) {
    CAPTURE(len);
    auto x = signal(len);
    auto y = fft(*n, x);
    REQUIRE(y);
    CHECK(max_error(*y, naive_dft(x)) < 1e-12);
    auto back = ifft(*n, *y);
    REQUIRE(back);
    CHECK(max_error(*back, x) < 1e-13);
  }
}

TEST_CASE("rfft gives the non-negative half of fft and irfft inverts it", "[numerics][fft]") {
  test_node n{2};
  for (Eigen::Index len : {1, 2, 5, 8, 9, 30, 64}) {
    CAPTURE(len);
    Eigen::VectorXd x = signal(len).real();
    auto half = rfft(*n, x);
    REQUIRE(half);
    REQUIRE(half->size() == len / 2 + 1);
    auto full = naive_dft(x.cast<cd>());
    CHECK(max_error(*half, full.head(len / 2 + 1)) < 1e-12);
    auto back = irfft(*n, *half, len);
    REQUIRE(back);
    CHECK((*back - x).cwiseAbs().maxCoeff() < 1e-13);
  }
}

TEST_CASE("fft2 matches the 2-D DFT and gives the same bits for 1, 2 and 4 workers",
          "[numerics][fft]") {
  auto x = field(45, 38);
  auto expected = naive_dft2(x);
  std::vector<Eigen::MatrixXcd> results;
  for (std::size_t threads : {1, 2, 4}) {
    test_node n{threads};
    auto y = fft2(*n, x);
    REQUIRE(y);
    results.push_back(*y);
  }
  CHECK(max_error(results[0], expected) < 1e-12);
  CHECK(same_bits(results[0].real(), results[1].real()));
  CHECK(same_bits(results[0].imag(), results[1].imag()));
  CHECK(same_bits(results[0].real(), results[2].real()));
  CHECK(same_bits(results[0].imag(), results[2].imag()));
}

TEST_CASE("ifft2 inverts fft2, also awaited in an actor", "[numerics][fft]") {
  test_node n{2};
  auto x = field(64, 50);
  auto r = troupe::numerics::test::in_actor(*n, [&](troupe::context& self) -> troupe::task<bool> {
    auto y = co_await fft2(self, x);
    if (!y)
      co_return false;
    auto back = co_await ifft2(self, *y);
    co_return back&& max_error(*back, x) < 1e-13;
  });
  CHECK(r);
}

TEST_CASE("rfft2 gives the top half of fft2 and irfft2 inverts it", "[numerics][fft]") {
  test_node n{4};
  for (auto [rows, cols] : {std::pair{32, 20}, std::pair{33, 7}, std::pair{6, 1}}) {
    CAPTURE(rows, cols);
    Eigen::MatrixXd x = field(rows, cols).real();
    auto half = rfft2(*n, x);
    REQUIRE(half);
    REQUIRE(half->rows() == rows / 2 + 1);
    auto full = naive_dft2(x.cast<cd>());
    CHECK(max_error(*half, full.topRows(rows / 2 + 1)) < 1e-12);
    auto back = irfft2(*n, *half, rows);
    REQUIRE(back);
    CHECK((*back - x).cwiseAbs().maxCoeff() < 1e-13);
  }
}

TEST_CASE("transforms report empty input and wrong half-spectrum sizes", "[numerics][fft]") {
  test_node n{1};
  auto e1 = fft(*n, Eigen::VectorXcd());
  REQUIRE_FALSE(e1);
  CHECK(e1.error() == errc::empty_input);
  auto e2 = fft2(*n, Eigen::MatrixXcd(4, 0));
  REQUIRE_FALSE(e2);
  CHECK(e2.error() == errc::empty_input);
  auto e3 = rfft2(*n, Eigen::MatrixXd(0, 3));
  REQUIRE_FALSE(e3);
  CHECK(e3.error() == errc::empty_input);
  auto e4 = irfft(*n, Eigen::VectorXcd(5), 12);
  REQUIRE_FALSE(e4);
  CHECK(e4.error() == errc::dimension_mismatch);
  CHECK_THAT(e4.error().message(), Catch::Contains("7 bins, got 5"));
  auto e5 = irfft2(*n, Eigen::MatrixXcd(3, 3), 10);
  REQUIRE_FALSE(e5);
  CHECK(e5.error() == errc::dimension_mismatch);
  auto e6 = irfft(*n, Eigen::VectorXcd(1), 0);
  REQUIRE_FALSE(e6);
  CHECK(e6.error() == errc::empty_input);
}

TEST_CASE("NaN in a transform's input propagates instead of failing", "[numerics][fft]") {
  test_node n{1};
  auto x = signal(16);
  x[3] = cd{std::numeric_limits<double>::quiet_NaN(), 0};
  auto y = fft(*n, x);
  REQUIRE(y);
  CHECK(std::isnan(y->real()[0]));
}
