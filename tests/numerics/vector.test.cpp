#include <troupe/numerics/vector.hpp>

#include <cmath>

#include <Eigen/Dense>

#include "support.hpp"

using namespace troupe::numerics;
using troupe::numerics::test::same_bits;
using troupe::numerics::test::test_node;

namespace {

Eigen::VectorXd wavy(Eigen::Index n, double phase) {
  Eigen::VectorXd v(n);
  for (Eigen::Index i = 0; i < n; ++i)
    v[i] = std::sin(phase + 0.1 * static_cast<double>(i)) * (1 + static_cast<double>(i % 13));
  return v;
}

} // namespace

TEST_CASE("sum, dot and norm match Eigen and are bit-identical for 1, 2 and 4 workers",
          "[numerics][vector]") {
  auto x = wavy(2'000'001, 0.3);
  auto y = wavy(2'000'001, 1.1);
  std::vector<double> sums, dots, norms;
  for (std::size_t threads : {1, 2, 4}) {
    test_node n{threads};
    auto s = sum(*n, x);
    auto d = dot(*n, x, y);
    auto r = norm(*n, x);
    REQUIRE(s);
    REQUIRE(d);
    REQUIRE(r);
    sums.push_back(*s);
    dots.push_back(*d);
    norms.push_back(*r);
  }
  CHECK(sums[0] == Approx(x.sum()).epsilon(1e-10));
  CHECK(dots[0] == Approx(x.dot(y)).epsilon(1e-10));
  CHECK(norms[0] == Approx(x.norm()).epsilon(1e-12));
  for (std::size_t k = 1; k < 3; ++k) {
    CHECK(same_bits(sums[0], sums[k]));
    CHECK(same_bits(dots[0], dots[k]));
    CHECK(same_bits(norms[0], norms[k]));
  }
}

TEST_CASE("sum does not depend on where the vector starts in memory", "[numerics][vector]") {
  // The same values at another alignment must sum to the same bits (Eigen's own sum would
  // peel a different head).
  auto x = wavy(100'003, 0.7);
  Eigen::VectorXd shifted(x.size() + 1);
  shifted.tail(x.size()) = x;
  test_node n{2};
  auto a = sum(*n, x);
  auto b = sum(*n, shifted.tail(x.size()));
  REQUIRE(a);
  REQUIRE(b);
  CHECK(same_bits(*a, *b));
}

TEST_CASE("dot awaited in an actor equals the synchronous call", "[numerics][vector]") {
  auto x = wavy(500'000, 0.1);
  auto y = wavy(500'000, 0.2);
  test_node n{2};
  auto sync = dot(*n, x, y);
  auto awaited =
      troupe::numerics::test::in_actor(*n, [&](troupe::context& self) { return dot(self, x, y); });
  REQUIRE(sync);
  REQUIRE(awaited);
  CHECK(same_bits(*sync, *awaited));
}

TEST_CASE("axpy updates y like Eigen", "[numerics][vector]") {
  auto x = wavy(300'001, 0.5);
  auto y = wavy(300'001, 0.9);
  Eigen::VectorXd expected = 2.5 * x + y;
  test_node n{4};
  auto r = axpy(*n, 2.5, x, y);
  REQUIRE(r);
  CHECK(same_bits(y, expected));
}

TEST_CASE("vector kernels report bad input", "[numerics][vector]") {
  test_node n{1};
  Eigen::VectorXd empty;
  Eigen::VectorXd three = Eigen::VectorXd::Ones(3);
  Eigen::VectorXd four = Eigen::VectorXd::Ones(4);
  Eigen::MatrixXd m = Eigen::MatrixXd::Ones(4, 4);

  auto s = sum(*n, empty);
  REQUIRE_FALSE(s);
  CHECK(s.error() == errc::empty_input);

  auto d = dot(*n, three, four);
  REQUIRE_FALSE(d);
  CHECK(d.error() == errc::dimension_mismatch);
  CHECK_THAT(d.error().message(), Catch::Contains("3") && Catch::Contains("4"));

  auto row = sum(*n, m.row(1));
  REQUIRE_FALSE(row);
  CHECK(row.error() == errc::invalid_argument);

  auto a = axpy(*n, 1.0, three, four);
  REQUIRE_FALSE(a);
  CHECK(a.error() == errc::dimension_mismatch);
  CHECK(four == Eigen::VectorXd::Ones(4));

  auto e = axpy(*n, 1.0, empty, empty);
  REQUIRE_FALSE(e);
  CHECK(e.error() == errc::empty_input);
}
