#include <troupe/numerics/blocks.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <tuple>

#include "support.hpp"

using namespace troupe::numerics;
using troupe::numerics::test::test_node;

TEST_CASE("parallel_for_blocks visits each 1-D block once with its true size",
          "[numerics][blocks]") {
  test_node n{4};
  std::vector<std::atomic<int>> seen(10'007);
  std::atomic<int> blocks{0};
  auto r =
      parallel_for_blocks(*n, block_range_1d{10'007, 1000}, [&](Eigen::Index b, Eigen::Index s) {
        CHECK(b % 1000 == 0);
        CHECK(s == std::min<Eigen::Index>(1000, 10'007 - b));
        for (auto i = b; i < b + s; ++i)
          seen[static_cast<std::size_t>(i)]++;
        blocks++;
      });
  REQUIRE(r);
  CHECK(blocks == 11);
  for (auto& s : seen)
    REQUIRE(s == 1);
}

TEST_CASE("parallel_for_blocks covers a 2-D range with tiles exactly once", "[numerics][blocks]") {
  test_node n{2};
  std::mutex m;
  std::set<std::tuple<Eigen::Index, Eigen::Index, Eigen::Index, Eigen::Index>> tiles;
  Eigen::ArrayXXi count = Eigen::ArrayXXi::Zero(100, 70);
  auto r = parallel_for_blocks(*n, block_range_2d{100, 70, 32, 16}, [&](const tile& t) {
    std::lock_guard guard{m};
    tiles.emplace(t.row, t.col, t.rows, t.cols);
    count.block(t.row, t.col, t.rows, t.cols) += 1;
  });
  REQUIRE(r);
  CHECK(tiles.size() == 4 * 5);
  CHECK((count == 1).all());
  CHECK(tiles.count({96, 64, 4, 6}) == 1);
}

TEST_CASE("parallel_for_blocks over a matrix hands out writable blocks, also when awaited",
          "[numerics][blocks]") {
  test_node n{2};
  Eigen::MatrixXd a = Eigen::MatrixXd::Constant(300, 200, 2.0);
  REQUIRE(parallel_for_blocks(*n, a, 64, 64, [](auto block) { block.array() *= 3.0; }));
  CHECK((a.array() == 6.0).all());
  auto r = troupe::numerics::test::in_actor(*n, [&](troupe::context& self) {
    return parallel_for_blocks(self, a.topRows(100), 50, 50, [](auto block) { block.setZero(); });
  });
  REQUIRE(r);
  CHECK((a.topRows(100).array() == 0.0).all());
  CHECK((a.bottomRows(200).array() == 6.0).all());
}

TEST_CASE("parallel_for_blocks rejects bad block shapes and empty ranges", "[numerics][blocks]") {
  test_node n{1};
  auto none = [](auto&&...) {};
  auto r = parallel_for_blocks(*n, block_range_1d{10, 0}, none);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  r = parallel_for_blocks(*n, block_range_1d{0, 10}, none);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::empty_input);
  r = parallel_for_blocks(*n, block_range_2d{10, 10, -1, 4}, none);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  CHECK_THAT(r.error().message(), Catch::Contains("-1 x 4"));
  r = parallel_for_blocks(*n, block_range_2d{10, 0, 4, 4}, none);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::empty_input);
}
