#include <troupe/numerics/solve.hpp>

#include <Eigen/Dense>

#include "support.hpp"

using namespace troupe::numerics;
using troupe::numerics::test::same_bits;
using troupe::numerics::test::test_node;

namespace {

// Well-conditioned matrices: a diagonal shift over deterministic pseudo-random entries.
template <class Mat>
std::vector<Mat> batch_of(std::size_t count, Eigen::Index n, bool spd) {
  std::vector<Mat> out;
  for (std::size_t k = 0; k < count; ++k) {
    Mat m(n, n);
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index i = 0; i < n; ++i)
        m(i, j) = std::sin(1.3 * static_cast<double>(k) + 0.7 * static_cast<double>(i) +
                           0.31 * static_cast<double>(j * j));
    if (spd)
      m = (m * m.transpose()).eval();
    m.diagonal().array() += static_cast<double>(n);
    out.push_back(m);
  }
  return out;
}

template <class Vec>
std::vector<Vec> rhs_of(std::size_t count, Eigen::Index n) {
  std::vector<Vec> out;
  for (std::size_t k = 0; k < count; ++k) {
    Vec v(n);
    for (Eigen::Index i = 0; i < n; ++i)
      v[i] = std::cos(0.1 * static_cast<double>(k) + static_cast<double>(i));
    out.push_back(v);
  }
  return out;
}

} // namespace

TEST_CASE("lu_solve and cholesky_solve solve every system and give the same bits for 1, 2 and "
          "4 workers",
          "[numerics][solve]") {
  auto a = batch_of<Eigen::Matrix3d>(5000, 3, false);
  auto s = batch_of<Eigen::Matrix3d>(5000, 3, true);
  auto b = rhs_of<Eigen::Vector3d>(5000, 3);
  std::vector<std::vector<Eigen::Vector3d>> lu, chol;
  for (std::size_t threads : {1, 2, 4}) {
    test_node n{threads};
    auto x = lu_solve(*n, a, b);
    auto y = cholesky_solve(*n, s, b);
    REQUIRE(x);
    REQUIRE(y);
    lu.push_back(*x);
    chol.push_back(*y);
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    REQUIRE((a[i] * lu[0][i] - b[i]).norm() < 1e-12);
    REQUIRE((s[i] * chol[0][i] - b[i]).norm() < 1e-12);
    for (int k = 1; k < 3; ++k) {
      REQUIRE(same_bits(lu[0][i], lu[k][i]));
      REQUIRE(same_bits(chol[0][i], chol[k][i]));
    }
  }
}

TEST_CASE("lu_solve takes dynamic matrices and several right-hand sides, also awaited",
          "[numerics][solve]") {
  test_node n{2};
  auto a = batch_of<Eigen::MatrixXd>(40, 17, false);
  std::vector<Eigen::MatrixXd> b;
  for (std::size_t k = 0; k < a.size(); ++k)
    b.push_back(Eigen::MatrixXd::Identity(17, 3) * static_cast<double>(k + 1));
  auto x = troupe::numerics::test::in_actor(
      *n, [&](troupe::context& self) { return lu_solve(self, a, b); });
  REQUIRE(x);
  REQUIRE(x->size() == a.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    CHECK((a[i] * (*x)[i] - b[i]).norm() < 1e-11);
}

TEST_CASE("batched_inverse and inverse match Eigen", "[numerics][solve]") {
  auto a = batch_of<Eigen::Matrix4d>(1000, 4, false);
  auto big = batch_of<Eigen::MatrixXd>(1, 300, false)[0];
  std::vector<Eigen::MatrixXd> results;
  for (std::size_t threads : {1, 2, 4}) {
    test_node n{threads};
    auto inv = batched_inverse(*n, a);
    REQUIRE(inv);
    for (std::size_t i = 0; i < a.size(); ++i)
      REQUIRE(((*inv)[i] * a[i] - Eigen::Matrix4d::Identity()).cwiseAbs().maxCoeff() < 1e-13);
    auto one = inverse(*n, big);
    REQUIRE(one);
    CHECK((*one * big - Eigen::MatrixXd::Identity(300, 300)).cwiseAbs().maxCoeff() < 1e-12);
    results.push_back(*one);
  }
  CHECK(same_bits(results[0], results[1]));
  CHECK(same_bits(results[0], results[2]));
}

TEST_CASE("solves name the lowest singular, indefinite or non-finite matrix", "[numerics][solve]") {
  test_node n{4};
  auto a = batch_of<Eigen::Matrix3d>(1000, 3, false);
  auto b = rhs_of<Eigen::Vector3d>(1000, 3);

  auto bad = a;
  bad[700] << 1, 2, 3, 2, 4, 6, 1, 1, 1; // rows 1 and 2 are parallel
  bad[900] = Eigen::Matrix3d::Zero();
  auto x = lu_solve(*n, bad, b);
  REQUIRE_FALSE(x);
  CHECK(x.error() == errc::singular);
  CHECK_THAT(x.error().message(), Catch::Contains("matrix 700 (of 1000)"));

  auto nan = a;
  nan[333](1, 1) = std::numeric_limits<double>::quiet_NaN();
  x = lu_solve(*n, nan, b);
  REQUIRE_FALSE(x);
  CHECK(x.error() == errc::non_finite);
  CHECK_THAT(x.error().message(), Catch::Contains("matrix 333"));

  auto rhs_inf = b;
  rhs_inf[5][0] = std::numeric_limits<double>::infinity();
  x = lu_solve(*n, a, rhs_inf);
  REQUIRE_FALSE(x);
  CHECK(x.error() == errc::non_finite);

  auto indefinite = batch_of<Eigen::Matrix3d>(100, 3, true);
  indefinite[42] = -indefinite[42];
  auto y = cholesky_solve(*n, indefinite, rhs_of<Eigen::Vector3d>(100, 3));
  REQUIRE_FALSE(y);
  CHECK(y.error() == errc::not_positive_definite);
  CHECK_THAT(y.error().message(), Catch::Contains("matrix 42"));

  auto inv = batched_inverse(*n, bad);
  REQUIRE_FALSE(inv);
  CHECK(inv.error() == errc::singular);

  Eigen::MatrixXd singular(3, 3);
  singular << 1, 2, 3, 4, 5, 6, 7, 8, 9;
  auto one = inverse(*n, singular);
  REQUIRE_FALSE(one);
  CHECK(one.error() == errc::singular);
  CHECK_THAT(one.error().message(), Catch::Contains("reciprocal condition"));
}

TEST_CASE("solves report mismatched and empty batches", "[numerics][solve]") {
  test_node n{1};
  auto a = batch_of<Eigen::MatrixXd>(3, 4, false);
  auto b = rhs_of<Eigen::VectorXd>(2, 4);
  auto x = lu_solve(*n, a, b);
  REQUIRE_FALSE(x);
  CHECK(x.error() == errc::dimension_mismatch);
  CHECK_THAT(x.error().message(), Catch::Contains("3 matrices but 2 right-hand sides"));

  auto b5 = rhs_of<Eigen::VectorXd>(3, 5);
  x = lu_solve(*n, a, b5);
  REQUIRE_FALSE(x);
  CHECK(x.error() == errc::dimension_mismatch);

  std::vector<Eigen::MatrixXd> rect{Eigen::MatrixXd::Ones(2, 3)};
  std::vector<Eigen::VectorXd> r2{Eigen::VectorXd::Ones(2)};
  x = lu_solve(*n, rect, r2);
  REQUIRE_FALSE(x);
  CHECK(x.error() == errc::dimension_mismatch);
  CHECK_THAT(x.error().message(), Catch::Contains("square"));

  std::vector<Eigen::MatrixXd> none;
  std::vector<Eigen::VectorXd> no_rhs;
  x = lu_solve(*n, none, no_rhs);
  REQUIRE_FALSE(x);
  CHECK(x.error() == errc::empty_input);

  auto inv = inverse(*n, Eigen::MatrixXd(2, 3));
  REQUIRE_FALSE(inv);
  CHECK(inv.error() == errc::dimension_mismatch);
  inv = inverse(*n, Eigen::MatrixXd());
  REQUIRE_FALSE(inv);
  CHECK(inv.error() == errc::empty_input);
  Eigen::MatrixXd with_nan = Eigen::MatrixXd::Identity(3, 3);
  with_nan(0, 2) = std::numeric_limits<double>::quiet_NaN();
  inv = inverse(*n, with_nan);
  REQUIRE_FALSE(inv);
  CHECK(inv.error() == errc::non_finite);
}
