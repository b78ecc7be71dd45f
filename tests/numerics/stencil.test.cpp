#include <troupe/numerics/stencil.hpp>

#include "support.hpp"

using namespace troupe::numerics;
using troupe::numerics::test::same_bits;
using troupe::numerics::test::test_node;

namespace {

Eigen::ArrayXXd bumpy(Eigen::Index rows, Eigen::Index cols) {
  Eigen::ArrayXXd u(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      u(i, j) = std::cos(0.05 * static_cast<double>(i * i % 97) + 0.3 * static_cast<double>(j));
  return u;
}

// The stencils written naively on Eigen arrays, as the reference.
Eigen::ArrayXXd reference5(const Eigen::ArrayXXd& u, stencil5_weights w) {
  Eigen::ArrayXXd out = u;
  auto r = u.rows() - 2, c = u.cols() - 2;
  out.block(1, 1, r, c) = w.center * u.block(1, 1, r, c) +
                          w.di * (u.block(0, 1, r, c) + u.block(2, 1, r, c)) +
                          w.dj * (u.block(1, 0, r, c) + u.block(1, 2, r, c));
  return out;
}

Eigen::ArrayXXd reference9(const Eigen::ArrayXXd& u, stencil9_weights w) {
  Eigen::ArrayXXd out = u;
  auto r = u.rows() - 2, c = u.cols() - 2;
  out.block(1, 1, r, c) =
      w.center * u.block(1, 1, r, c) + w.di * (u.block(0, 1, r, c) + u.block(2, 1, r, c)) +
      w.dj * (u.block(1, 0, r, c) + u.block(1, 2, r, c)) +
      w.diag *
          (u.block(0, 0, r, c) + u.block(2, 0, r, c) + u.block(0, 2, r, c) + u.block(2, 2, r, c));
  return out;
}

} // namespace

TEST_CASE("stencil5 and stencil9 match Eigen expressions and give the same bits for 1, 2 and 4 "
          "workers",
          "[numerics][stencil]") {
  auto u = bumpy(203, 157);
  stencil5_weights w5{0.2, 0.3, 0.1};
  stencil9_weights w9 = stencil9_weights::diffusion(0.1);
  std::vector<Eigen::ArrayXXd> r5, r9;
  for (std::size_t threads : {1, 2, 4}) {
    test_node n{threads};
    Eigen::ArrayXXd o5, o9;
    REQUIRE(stencil5(*n, u, o5, w5));
    REQUIRE(stencil9(*n, u, o9, w9));
    r5.push_back(o5);
    r9.push_back(o9);
  }
  CHECK(r5[0].isApprox(reference5(u, w5), 1e-14));
  CHECK(r9[0].isApprox(reference9(u, w9), 1e-14));
  for (int k = 1; k < 3; ++k) {
    CHECK(same_bits(r5[0], r5[k]));
    CHECK(same_bits(r9[0], r9[k]));
  }
}

TEST_CASE("stencil5 leaves the halo of out alone and can be awaited", "[numerics][stencil]") {
  test_node n{2};
  auto u = bumpy(50, 40);
  Eigen::ArrayXXd out = Eigen::ArrayXXd::Constant(50, 40, -7.0);
  auto r = troupe::numerics::test::in_actor(*n, [&](troupe::context& self) {
    return stencil5(self, u, out, stencil5_weights::diffusion(0.25));
  });
  REQUIRE(r);
  CHECK((out.row(0) == -7.0).all());
  CHECK((out.row(49) == -7.0).all());
  CHECK((out.col(0) == -7.0).all());
  CHECK((out.col(39) == -7.0).all());
  auto expected = reference5(u, stencil5_weights::diffusion(0.25));
  CHECK(out.block(1, 1, 48, 38).isApprox(expected.block(1, 1, 48, 38), 1e-14));
}

TEST_CASE("the diffusion stencils keep a constant field constant", "[numerics][stencil]") {
  test_node n{2};
  Eigen::ArrayXXd u = Eigen::ArrayXXd::Constant(30, 30, 3.0), o5, o9;
  REQUIRE(stencil5(*n, u, o5, stencil5_weights::diffusion(0.2)));
  REQUIRE(stencil9(*n, u, o9, stencil9_weights::diffusion(0.2)));
  CHECK(((o5 - 3.0).abs() < 1e-14).all());
  CHECK(((o9 - 3.0).abs() < 1e-14).all());
}

TEST_CASE("stencils report tiles without interior, mismatched and aliased outputs",
          "[numerics][stencil]") {
  test_node n{1};
  Eigen::ArrayXXd tiny(2, 10), out;
  auto r = stencil5(*n, tiny, out, {});
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::empty_input);
  CHECK_THAT(r.error().message(), Catch::Contains("2x10"));

  auto u = bumpy(10, 10);
  Eigen::ArrayXXd wrong(10, 11);
  r = stencil9(*n, u, wrong, {});
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::dimension_mismatch);

  r = stencil5(*n, u, u, {});
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
}
