#include "group_fixture.hpp"

#include <bit>
#include <cstring>
#include <random>

using namespace troupe::test;
using troupe::actors::block;
using troupe::actors::group;

namespace {

namespace ta = troupe::actors;

// The bits of a double, to compare results exactly.
std::uint64_t bits(double x) {
  return std::bit_cast<std::uint64_t>(x);
}

// Every collective once, each member reporting one line per collective.
troupe::task<> every_collective(troupe::context& self, group g, std::shared_ptr<lines> out) {
  auto r = rank_in(self, g);
  auto n = g.size();
  auto say = [&](const std::string& what, const std::string& line) {
    out->add(r, what + " " + line);
  };
  auto root = 1 % n;
  auto b = co_await ta::broadcast(self, g, r == root ? 42.5 : -1.0, root);
  say("broadcast", show(b));
  std::vector<std::int64_t> seeds;
  if (r == 0)
    for (std::size_t i = 0; i < n; ++i)
      seeds.push_back(static_cast<std::int64_t>(100 + i));
  auto s = co_await ta::scatter(self, g, seeds, 0);
  say("scatter", show(s));
  auto all = co_await ta::gather(self, g, static_cast<std::int64_t>(r * r), n - 1);
  std::string gathered;
  for (auto x : all.value())
    gathered += std::to_string(x) + ",";
  say("gather", gathered);
  auto red = co_await ta::reduce(self, g, static_cast<std::int64_t>(r + 1), ta::sum{}, n - 1);
  say("reduce", red.value() ? std::to_string(**red) : "none");
  auto mx = co_await ta::allreduce(self, g, 1.0 * r, ta::max{});
  say("allreduce max", show(mx));
  block mine{std::vector<double>{1.0 * r, 2.0}};
  auto blk = co_await ta::allreduce(self, g, mine, ta::sum{});
  say("allreduce block", std::to_string(blk.value()[0]) + " " + std::to_string(blk.value()[1]));
  // A copy in the same actor shares the collective count with the original.
  auto copy = g;
  auto bar = co_await ta::barrier(self, copy);
  say("barrier", show(bar));
  auto last = co_await ta::allreduce(self, g, std::int64_t{1}, ta::sum{});
  say("allreduce count", show(last));
}

std::vector<std::string> expected_lines(std::size_t n, std::size_t r) {
  std::vector<std::string> out;
  out.push_back("broadcast ok 42.500000");
  out.push_back("scatter ok " + std::to_string(100 + r));
  std::string gathered;
  if (r == n - 1)
    for (std::size_t i = 0; i < n; ++i)
      gathered += std::to_string(i * i) + ",";
  out.push_back("gather " + gathered);
  out.push_back("reduce " + (r == n - 1 ? std::to_string(n * (n + 1) / 2) : std::string{"none"}));
  out.push_back("allreduce max ok " + std::to_string(1.0 * (n - 1)));
  out.push_back("allreduce block " + std::to_string(1.0 * n * (n - 1) / 2) + " " +
                std::to_string(2.0 * n));
  out.push_back("barrier ok");
  out.push_back("allreduce count ok " + std::to_string(n));
  return out;
}

} // namespace

TEST_CASE("every collective gives every member the expected values for groups of 1 to 9",
          "[actors][collectives]") {
  auto threads = GENERATE(1, 2, 4);
  auto n = group_node(threads);
  for (std::size_t size : {1, 2, 3, 4, 5, 8, 9}) {
    INFO(threads << " threads, " << size << " members");
    auto out = std::make_shared<lines>(size);
    auto g = ta::spawn_group(n.system(), size, {.name = "m"}, every_collective, out);
    await_members(n, g);
    auto got = out->get();
    for (std::size_t r = 0; r < size; ++r) {
      INFO("rank " << r);
      CHECK(got[r] == expected_lines(size, r));
    }
  }
}

namespace {

// Values whose sum depends on the order of additions: ones that 1e16 (of alternating sign,
// every fourth rank) swallows when added one at a time, and not in pairs.
std::vector<double> order_sensitive(std::size_t n) {
  std::vector<double> v;
  for (std::size_t r = 0; r < n; ++r)
    v.push_back(r % 4 != 0 ? 1.0 : (r % 8 == 0 ? 1e16 : -1e16));
  return v;
}

double left_fold(const std::vector<double>& v) {
  double s = v[0];
  for (std::size_t i = 1; i < v.size(); ++i)
    s += v[i];
  return s;
}

double right_fold(const std::vector<double>& v) {
  double s = v.back();
  for (std::size_t i = v.size() - 1; i-- > 0;)
    s = v[i] + s;
  return s;
}

// Each member waits a random time (from `seed`), then contributes to an allreduce and a reduce.
troupe::task<> delayed_sums(troupe::context& self, group g, std::uint64_t seed,
                            std::shared_ptr<lines> out) {
  auto r = rank_in(self, g);
  auto values = order_sensitive(g.size());
  std::mt19937_64 rng{seed * 1000 + r};
  co_await troupe::sleep(self, std::chrono::microseconds(rng() % 300));
  auto all = co_await ta::allreduce(self, g, values[r], ta::sum{});
  out->add(r, std::to_string(bits(all.value())));
  co_await troupe::sleep(self, std::chrono::microseconds(rng() % 300));
  auto root = co_await ta::reduce(self, g, values[r], ta::sum{}, g.size() - 1);
  if (root.value())
    out->add(r, std::to_string(bits(**root)));
}

} // namespace

TEST_CASE("a reduction of a non-associative sum gives the bits of the serial tree whatever the "
          "thread count and arrival order",
          "[actors][collectives][determinism]") {
  auto threads = GENERATE(1, 2, 4);
  auto n = group_node(threads);
  for (std::size_t size : {3, 4, 5, 6, 8}) {
    auto values = order_sensitive(size);
    auto tree = ta::tree_order_reduce(values, ta::sum{});
    INFO(threads << " threads, " << size << " members, tree sum " << tree);
    // The values test something: another order of the same additions gives other bits.
    REQUIRE((bits(tree) != bits(left_fold(values)) || bits(tree) != bits(right_fold(values))));
    auto expected = std::to_string(bits(tree));
    for (std::uint64_t seed = 0; seed < 8; ++seed) {
      auto out = std::make_shared<lines>(size);
      auto g = ta::spawn_group(n.system(), size, {.name = "m"}, delayed_sums, seed, out);
      await_members(n, g);
      auto got = out->get();
      for (std::size_t r = 0; r < size; ++r) {
        INFO("seed " << seed << ", rank " << r);
        auto want = r == size - 1 ? std::vector<std::string>{expected, expected}
                                  : std::vector<std::string>{expected};
        CHECK(got[r] == want);
      }
    }
  }
}

TEST_CASE("tree_order_reduce combines the lower ranks' partial on the left",
          "[actors][collectives][determinism]") {
  // A non-commutative operation shows the shape: concatenation of rank names.
  auto concat = [](const std::string& a, const std::string& b) { return "(" + a + b + ")"; };
  std::vector<std::string> five{"0", "1", "2", "3", "4"};
  CHECK(ta::tree_order_reduce(five, concat) == "(((01)(23))4)");
  std::vector<std::string> six{"0", "1", "2", "3", "4", "5"};
  CHECK(ta::tree_order_reduce(six, concat) == "(((01)(23))(45))");
}

namespace {

constexpr int racing_rounds = 300;

// Rank 0 broadcasts and gathers `racing_rounds` times without waiting for anyone, then tells
// rank 3; rank 3 starts only then, so it is hundreds of collectives behind.
troupe::task<> race(troupe::context& self, group g, std::shared_ptr<lines> out) {
  auto r = rank_in(self, g);
  if (r == 3)
    co_await troupe::receive<int>(self);
  std::string bad;
  for (int k = 0; k < racing_rounds; ++k) {
    auto b = co_await ta::broadcast(self, g, r == 0 ? 1.5 * k : -1.0, 0);
    if (b.value() != 1.5 * k)
      bad += " broadcast " + std::to_string(k) + " got " + std::to_string(*b);
  }
  for (int k = 0; k < racing_rounds; ++k) {
    auto all = co_await ta::gather(self, g, static_cast<std::int64_t>(1000 * k + r), 3);
    if (r == 3 && all.value() !=
                      std::vector<std::int64_t>{1000 * k, 1000 * k + 1, 1000 * k + 2, 1000 * k + 3})
      bad += " gather " + std::to_string(k);
  }
  if (r == 0)
    self.send(g[3], 1);
  auto sum = co_await ta::allreduce(self, g, std::int64_t{1}, ta::sum{});
  out->add(r, "ahead" + (bad.empty() ? std::string{" none wrong"} : bad) + ", " + show(sum));
}

} // namespace

TEST_CASE("a member that races hundreds of collectives ahead is never mixed up with a slow one",
          "[actors][collectives][sequence]") {
  auto threads = GENERATE(1, 2, 4);
  INFO(threads << " threads");
  auto n = group_node(threads);
  auto out = std::make_shared<lines>(4);
  auto g = ta::spawn_group(n.system(), 4, {.name = "m"}, race, out);
  await_members(n, g);
  auto got = out->get();
  for (std::size_t r = 0; r < 4; ++r)
    CHECK(got[r] == std::vector<std::string>{"ahead none wrong, ok 4"});
}

namespace {

// Members of two groups over the same actors (in other orders) interleave their collectives
// on the two groups in different orders.
troupe::task<> two_groups(troupe::context& self, std::shared_ptr<lines> out) {
  // No structured bindings: clang 14 cannot capture them in the lambdas below.
  auto both = co_await troupe::receive<group, group>(self);
  auto g1 = std::get<0>(both);
  auto g2 = std::get<1>(both);
  auto r1 = rank_in(self, g1);
  auto r2 = rank_in(self, g2);
  std::string seen;
  for (int k = 0; k < 50; ++k) {
    auto one = [&]() -> troupe::task<double> {
      co_return (co_await ta::broadcast(self, g1, r1 == 0 ? 1000.0 + k : 0.0, 0)).value();
    };
    auto two = [&]() -> troupe::task<double> {
      co_return (co_await ta::broadcast(self, g2, r2 == 0 ? 2000.0 + k : 0.0, 0)).value();
    };
    double a = 0;
    double b = 0;
    if (r1 % 2 == 0) {
      a = co_await one();
      b = co_await two();
    } else {
      b = co_await two();
      a = co_await one();
    }
    if (a != 1000.0 + k || b != 2000.0 + k)
      seen += " round " + std::to_string(k);
  }
  auto s1 = co_await ta::allreduce(self, g1, static_cast<std::int64_t>(r1), ta::sum{});
  auto s2 = co_await ta::allreduce(self, g2, static_cast<std::int64_t>(10 * r2), ta::sum{});
  out->add(r1, (seen.empty() ? std::string{"no mix"} : "mixed in" + seen) + ", " + show(s1) + ", " +
                   show(s2));
}

} // namespace

TEST_CASE("two groups of the same members never mix their collectives",
          "[actors][collectives][sequence]") {
  auto threads = GENERATE(1, 2, 4);
  INFO(threads << " threads");
  auto n = group_node(threads);
  auto out = std::make_shared<lines>(3);
  std::vector<caf::actor> members;
  for (int i = 0; i < 3; ++i)
    members.push_back(troupe::spawn(n, two_groups, out));
  group g1{members};
  group g2{{members[2], members[0], members[1]}};
  for (auto& m : members)
    caf::anon_send(m, g1, g2);
  await_members(n, g1);
  auto got = out->get();
  for (std::size_t r = 0; r < 3; ++r)
    CHECK(got[r] == std::vector<std::string>{"no mix, ok 3, ok 30"});
}
