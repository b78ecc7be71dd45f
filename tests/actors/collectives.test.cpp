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
