#include <troupe/numerics/special.hpp>

#include <cmath>
#include <numbers>

#include "support.hpp"

using namespace troupe::numerics;
using troupe::numerics::test::same_bits;
using troupe::numerics::test::test_node;

namespace sp = troupe::numerics::special;

namespace {

constexpr double qnan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

} // namespace

TEST_CASE("special functions match reference values", "[numerics][special]") {
  // References: Abramowitz & Stegun tables and closed forms (I and K of order 1/2, Γ of
  // integers and 1/2), to 16 digits.
  using Catch::Detail::Approx;
  auto close = [](double v) { return Approx(v).epsilon(1e-12); };
  CHECK(sp::j0(1.0) == close(0.7651976865579666));
  CHECK(std::abs(sp::j0(2.404825557695773)) < 1e-15); // first zero of J0
  CHECK(sp::j1(1.0) == close(0.4400505857449335));
  CHECK(sp::jn(2, 3.0) == close(0.4860912605858910));
  CHECK(sp::jn(3, -2.0) == close(-0.1289432494744021)); // J3(-x) = -J3(x)
  CHECK(sp::y0(1.0) == close(0.08825696421567696));
  CHECK(sp::y1(1.0) == close(-0.7812128213002887));
  CHECK(sp::yn(2, 2.0) == close(-0.6174081041906827));
  CHECK(sp::cyl_i(0.0, 1.0) == close(1.266065877752008));
  CHECK(sp::cyl_i(1.0, 1.0) == close(0.5651591039924851));
  CHECK(sp::cyl_i(0.5, 2.0) == close(std::sqrt(2 / (std::numbers::pi * 2.0)) * std::sinh(2.0)));
  CHECK(sp::cyl_i(3.0, -1.5) == close(-sp::cyl_i(3.0, 1.5)));
  CHECK(sp::cyl_k(0.0, 1.0) == close(0.4210244382407083));
  CHECK(sp::cyl_k(1.0, 1.0) == close(0.6019072301972346));
  CHECK(sp::cyl_k(0.5, 3.0) == close(std::sqrt(std::numbers::pi / 6.0) * std::exp(-3.0)));
  CHECK(sp::gamma(5.0) == close(24.0));
  CHECK(sp::gamma(0.5) == close(std::sqrt(std::numbers::pi)));
  CHECK(sp::gamma(-1.5) == close(4 * std::sqrt(std::numbers::pi) / 3));
  CHECK(sp::lgamma(100.0) == close(359.1342053695754));
  CHECK(sp::lgamma(-0.5) == close(std::log(2 * std::sqrt(std::numbers::pi))));
  CHECK(sp::erf(1.0) == close(0.8427007929497149));
  CHECK(sp::erfc(3.0) == close(2.209049699858544e-05));
}

TEST_CASE("special functions give NaN outside their domains and documented limits at edges",
          "[numerics][special]") {
  CHECK(std::isnan(sp::y0(-1.0)));
  CHECK(std::isnan(sp::y1(-0.5)));
  CHECK(std::isnan(sp::yn(3, -2.0)));
  CHECK(sp::y0(0.0) == -inf);
  CHECK(sp::j0(inf) == 0.0);
  CHECK(std::isnan(sp::cyl_i(-1.0, 1.0)));
  CHECK(std::isnan(sp::cyl_i(0.5, -1.0)));
  CHECK(sp::cyl_i(0.0, inf) == inf);
  CHECK(sp::cyl_i(0.0, 1e4) == inf);
  CHECK(std::isnan(sp::cyl_k(1.0, -1.0)));
  CHECK(std::isnan(sp::cyl_k(-1.0, 1.0)));
  CHECK(sp::cyl_k(0.0, 0.0) == inf);
  CHECK(sp::cyl_k(0.0, inf) == 0.0);
  CHECK(sp::cyl_k(0.0, 1e4) == 0.0);
  CHECK(std::isnan(sp::gamma(-2.0)));
  CHECK(std::isnan(sp::gamma(-inf)));
  CHECK(sp::gamma(0.0) == inf);
  CHECK(sp::gamma(200.0) == inf);
  CHECK(sp::lgamma(-3.0) == inf);
  CHECK(sp::erf(-inf) == -1.0);
  CHECK(sp::erfc(-inf) == 2.0);
  for (auto f : {sp::j0, sp::j1, sp::y0, sp::y1, sp::gamma, sp::lgamma, sp::erf, sp::erfc})
    CHECK(std::isnan(f(qnan)));
  CHECK(std::isnan(sp::cyl_i(qnan, 1.0)));
  CHECK(std::isnan(sp::cyl_k(1.0, qnan)));
}

TEST_CASE("array special functions equal the scalar ones bit for bit for 1, 2 and 4 workers",
          "[numerics][special]") {
  Eigen::ArrayXd x = Eigen::ArrayXd::LinSpaced(20'001, -50.0, 150.0);
  x[7] = qnan;
  x[8] = inf;
  x[9] = -inf;
  for (std::size_t threads : {1, 2, 4}) {
    CAPTURE(threads);
    test_node n{threads};
    auto j0 = bessel_j0(*n, x);
    auto yn = bessel_yn(*n, 3, x);
    auto k = bessel_k(*n, 1.5, x);
    auto i = bessel_i(*n, 2.0, x);
    auto g = gamma(*n, x);
    auto lg = lgamma(*n, x);
    auto e = erfc(*n, x);
    REQUIRE((j0 && yn && k && i && g && lg && e));
    for (Eigen::Index m = 0; m < x.size(); ++m) {
      REQUIRE(same_bits((*j0)[m], sp::j0(x[m])));
      REQUIRE(same_bits((*yn)[m], sp::yn(3, x[m])));
      REQUIRE(same_bits((*k)[m], sp::cyl_k(1.5, x[m])));
      REQUIRE(same_bits((*i)[m], sp::cyl_i(2.0, x[m])));
      REQUIRE(same_bits((*g)[m], sp::gamma(x[m])));
      REQUIRE(same_bits((*lg)[m], sp::lgamma(x[m])));
      REQUIRE(same_bits((*e)[m], sp::erfc(x[m])));
    }
  }
}

TEST_CASE("array special functions keep the shape and can be awaited", "[numerics][special]") {
  test_node n{2};
  Eigen::ArrayXXd x = Eigen::ArrayXXd::Constant(30, 20, 1.0);
  auto r = troupe::numerics::test::in_actor(
      *n, [&](troupe::context& self) { return bessel_j1(self, x); });
  REQUIRE(r);
  CHECK(r->rows() == 30);
  CHECK(r->cols() == 20);
  CHECK((*r == sp::j1(1.0)).all());
  Eigen::MatrixXd m = Eigen::MatrixXd::Constant(3, 4, 0.5);
  auto e = erf(*n, m);
  REQUIRE(e);
  CHECK(e->cols() == 4);
  auto jn = bessel_jn(*n, 4, Eigen::VectorXd::Constant(5, 2.0).eval());
  REQUIRE(jn);
  CHECK((*jn).isApprox(Eigen::VectorXd::Constant(5, sp::jn(4, 2.0))));
}

TEST_CASE("array special functions report empty input", "[numerics][special]") {
  test_node n{1};
  auto r = bessel_y0(*n, Eigen::ArrayXd());
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::empty_input);
  CHECK_THAT(r.error().message(), Catch::Contains("bessel_y0"));
}
