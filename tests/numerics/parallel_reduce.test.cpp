#include <troupe/numerics/parallel_reduce.hpp>

#include <atomic>
#include <cmath>
#include <future>
#include <vector>

#include "support.hpp"

using namespace troupe::numerics;
using troupe::numerics::test::same_bits;
using troupe::numerics::test::test_node;

namespace {

// Values spanning many magnitudes, so that any change of summation order changes the bits.
std::vector<double> awkward_values(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] =
        std::sin(0.37 * static_cast<double>(i)) * std::pow(10.0, static_cast<double>(i % 17) - 8);
  return v;
}

} // namespace

TEST_CASE("parallel_reduce gives the same bits for 1, 2 and 4 workers", "[numerics][reduce]") {
  auto v = awkward_values(1'000'003);
  std::vector<double> results;
  for (std::size_t threads : {1, 2, 4}) {
    test_node n{threads};
    auto r = parallel_reduce(*n, 0, v.size(), 0.0, [&](std::size_t i) { return v[i]; });
    REQUIRE(r);
    results.push_back(*r);
  }
  CHECK(same_bits(results[0], results[1]));
  CHECK(same_bits(results[0], results[2]));
}

TEST_CASE("parallel_reduce awaited in an actor equals the synchronous call", "[numerics][reduce]") {
  auto v = awkward_values(300'000);
  test_node n{2};
  auto sync = parallel_reduce(*n, 0, v.size(), 0.0, [&](std::size_t i) { return v[i]; });
  REQUIRE(sync);
  auto awaited = troupe::numerics::test::in_actor(*n, [&](troupe::context& self) {
    return parallel_reduce(self, 0, v.size(), 0.0, [&](std::size_t i) { return v[i]; });
  });
  REQUIRE(awaited);
  CHECK(same_bits(*sync, *awaited));
}

TEST_CASE("parallel_reduce sums like a serial loop up to rounding", "[numerics][reduce]") {
  test_node n{2};
  std::vector<double> v(123'457);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = 1.0 / static_cast<double>(i + 1);
  double serial = 0;
  for (auto x : v)
    serial += x;
  auto r = parallel_reduce(*n, 0, v.size(), 0.0, [&](std::size_t i) { return v[i]; });
  REQUIRE(r);
  CHECK(*r == Approx(serial).epsilon(1e-13));
}

TEST_CASE("parallel_reduce with a range map and a custom combine finds the maximum",
          "[numerics][reduce]") {
  test_node n{4};
  std::vector<int> v(50'000);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<int>((i * 7919) % 49'999);
  auto r = parallel_reduce(
      *n, 0, v.size(), 0,
      [&](std::size_t b, std::size_t e) {
        int m = 0;
        for (auto i = b; i < e; ++i)
          m = std::max(m, v[i]);
        return m;
      },
      [](int x, int y) { return std::max(x, y); });
  REQUIRE(r);
  CHECK(*r == 49'998);
}

TEST_CASE("parallel_reduce combines chunks in index order", "[numerics][reduce]") {
  // String concatenation is not commutative: any other order would show.
  test_node n{4};
  auto r = parallel_reduce(
      *n, 0, 20, std::string{}, [](std::size_t i) { return std::string(1, char('a' + i)); },
      std::plus<>{}, reduce_options{.name = "concat", .chunks = 7});
  REQUIRE(r);
  CHECK(*r == "abcdefghijklmnopqrst");
}

TEST_CASE("parallel_reduce over an empty range is an empty_input error", "[numerics][reduce]") {
  test_node n{1};
  auto r = parallel_reduce(*n, 5, 5, 0.0, [](std::size_t) { return 1.0; });
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::empty_input);
  CHECK_THAT(r.error().message(), Catch::Contains("[5, 5)"));
}

TEST_CASE("parallel_reduce rethrows an exception a chunk threw", "[numerics][reduce]") {
  test_node n{2};
  CHECK_THROWS_WITH(parallel_reduce(*n, 0, 100'000, 0.0,
                                    [](std::size_t i) -> double {
                                      if (i == 77'777)
                                        throw std::runtime_error("chunk failed");
                                      return 1.0;
                                    }),
                    "chunk failed");
}

TEST_CASE("reduce_chunks depends on the element count only", "[numerics][reduce]") {
  CHECK(reduce_chunks(1) == 1);
  CHECK(reduce_chunks(8192) == 1);
  CHECK(reduce_chunks(8193) == 2);
  CHECK(reduce_chunks(100'000'000) == 256);
}

TEST_CASE("a synchronous kernel called inside an actor on a one-worker node completes",
          "[numerics][reduce]") {
  // The calling worker runs the chunks itself instead of blocking on the pool it occupies.
  test_node n{1};
  std::vector<double> v(200'000, 0.5);
  auto r = troupe::numerics::test::in_actor(*n, [&](troupe::context& self) -> troupe::task<double> {
    auto s =
        parallel_reduce(self.home_system(), 0, v.size(), 0.0, [&](std::size_t i) { return v[i]; });
    co_return s ? *s : -1.0;
  });
  CHECK(r == 100'000.0);
}

TEST_CASE("a hundred actors awaiting reductions at once on one worker all finish",
          "[numerics][reduce]") {
  test_node n{1};
  std::vector<double> v(50'000, 1.0);
  auto all = std::make_shared<std::atomic<int>>(0);
  auto done = std::make_shared<std::promise<void>>();
  for (int a = 0; a < 100; ++a)
    troupe::spawn(*n, [&v, all, done](troupe::context& self) -> troupe::task<> {
      auto s =
          co_await parallel_reduce(self, 0, v.size(), 0.0, [&](std::size_t i) { return v[i]; });
      if (s && *s == 50'000.0 && ++*all == 100)
        done->set_value();
    });
  REQUIRE(done->get_future().wait_for(std::chrono::seconds(60)) == std::future_status::ready);
}
