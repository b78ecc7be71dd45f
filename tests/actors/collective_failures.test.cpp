#include "group_fixture.hpp"

using namespace troupe::test;
using troupe::actors::group;

namespace {

namespace ta = troupe::actors;

// Rank `dead` ends as `how` says after one allreduce ("throw": an exception, "return": returns,
// "hang": waits for a message that never comes, to be killed); the others run an allreduce
// and then a barrier, and report both.
troupe::task<> one_ends(troupe::context& self, group g, std::size_t dead, std::string how,
                        std::shared_ptr<lines> out) {
  auto r = rank_in(self, g);
  auto first = co_await ta::allreduce(self, g, 1.0, ta::sum{});
  out->add(r, "first " + show(first));
  if (r == dead) {
    if (how == "throw")
      throw std::runtime_error("tile " + std::to_string(r) + " diverged");
    if (how == "hang")
      co_await troupe::receive<int>(self);
    co_return;
  }
  out->add(r, show(co_await ta::allreduce(self, g, 2.0, ta::sum{})));
  out->add(r, show(co_await ta::barrier(self, g)));
}

std::string group_hex(const group& g) {
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(g.id()));
  return id;
}

// Checks that every member but `dead` reported the first allreduce, then an allreduce and a
// barrier that failed naming `dead` with `cause`.
void check_failed(const group& g, std::size_t dead, const std::string& cause,
                  const std::vector<std::vector<std::string>>& got) {
  auto size = g.size();
  auto named = g.describe(dead) + cause;
  for (std::size_t r = 0; r < size; ++r) {
    INFO("rank " << r << " of " << size << ", rank " << dead << " ended");
    REQUIRE_FALSE(got[r].empty());
    CHECK(got[r][0] == "first ok " + std::to_string(1.0 * size));
    if (r == dead)
      continue;
    REQUIRE(got[r].size() == 3);
    CHECK(got[r][1] == "error allreduce #1 on group " + group_hex(g) + ": " + named);
    CHECK(got[r][2] == "error barrier #2 on group " + group_hex(g) + ": " + named);
  }
}

} // namespace

TEST_CASE("a member that throws makes every other member's allreduce fail naming it",
          "[actors][collectives][failure]") {
  auto threads = GENERATE(1, 2, 4);
  auto n = group_node(threads);
  for (std::size_t size : {2, 3, 4, 5, 8}) {
    for (std::size_t dead : {std::size_t{0}, size / 2, size - 1}) {
      INFO(threads << " threads");
      auto out = std::make_shared<lines>(size);
      auto g = ta::spawn_group(n.system(), size, {.name = "m"}, one_ends, dead,
                               std::string{"throw"}, out);
      await_members(n, g);
      check_failed(g, dead, " ended with an exception: tile " + std::to_string(dead) + " diverged",
                   out->get());
    }
  }
}

TEST_CASE("a killed member makes every other member's allreduce fail naming it",
          "[actors][collectives][failure]") {
  auto threads = GENERATE(1, 2, 4);
  auto n = group_node(threads);
  for (std::size_t size : {2, 3, 5, 8}) {
    INFO(threads << " threads, " << size << " members");
    auto dead = size / 2;
    auto out = std::make_shared<lines>(size);
    auto g =
        ta::spawn_group(n.system(), size, {.name = "m"}, one_ends, dead, std::string{"hang"}, out);
    caf::anon_send_exit(g[dead], caf::exit_reason::kill);
    await_members(n, g);
    auto got = out->get();
    // Killed before or after its first allreduce: either way the others' next one fails.
    auto killed_early = got[dead].empty();
    auto cause = " ended with " + n.system().render(caf::exit_reason::kill);
    for (std::size_t r = 0; r < size; ++r) {
      INFO("rank " << r);
      if (r == dead)
        continue;
      auto named = "on group " + group_hex(g) + ": " + g.describe(dead) + cause;
      REQUIRE_FALSE(got[r].empty());
      CHECK_THAT(got[r].back(), Catch::StartsWith("error barrier #") && Catch::EndsWith(named));
      if (!killed_early)
        CHECK(got[r][1] == "error allreduce #1 " + named);
    }
  }
}

TEST_CASE("a member that returns without taking part fails the others' allreduce naming it",
          "[actors][collectives][failure]") {
  auto n = group_node(2);
  auto out = std::make_shared<lines>(4);
  auto g = ta::spawn_group(n.system(), 4, {.name = "m"}, one_ends, std::size_t{3},
                           std::string{"return"}, out);
  await_members(n, g);
  check_failed(g, 3, " ended (it returned) before its part of a collective", out->get());
}

TEST_CASE("an actor outside the group gets an error naming it from a collective",
          "[actors][collectives][failure]") {
  auto n = group_node(2);
  auto member = troupe::spawn(n, [](troupe::context&) -> troupe::task<> { co_return; });
  group g{{member}};
  auto job = troupe::launch(n, {.name = "outsider"},
                            [g](troupe::context& self) mutable -> troupe::task<std::string> {
                              co_return show(co_await ta::allreduce(self, g, 1.0, ta::sum{}));
                            });
  auto seen = job.get(30s);
  REQUIRE(seen);
  CHECK_THAT(*seen,
             Catch::StartsWith("error allreduce #0 on group ") &&
                 Catch::Contains("actor 'outsider' (id ") &&
                 Catch::EndsWith("is not a member of this group of 1: run collectives from its "
                                 "members"));
}

namespace {

troupe::task<> bad_scatter(troupe::context& self, group g, std::shared_ptr<lines> out) {
  auto r = rank_in(self, g);
  std::vector<double> values(r == 0 ? 2 : 0, 1.0);
  out->add(r, show(co_await ta::scatter(self, g, values, 0)));
}

troupe::task<> mixed_types(troupe::context& self, group g, std::shared_ptr<lines> out) {
  auto r = rank_in(self, g);
  if (r == 1)
    out->add(r, show(co_await ta::allreduce(self, g, std::int64_t{1}, ta::sum{})));
  else
    out->add(r, show(co_await ta::allreduce(self, g, 1.0, ta::sum{})));
}

} // namespace

TEST_CASE("a scatter with a value count other than the group's size fails at every member",
          "[actors][collectives][failure]") {
  auto n = group_node(2);
  auto out = std::make_shared<lines>(3);
  auto g = ta::spawn_group(n.system(), 3, {.name = "m"}, bad_scatter, out);
  await_members(n, g);
  auto cause = g.describe(0) + ", the root, passed 2 values for 3 members: pass one value per "
                               "member";
  for (auto& line : out->get())
    CHECK(line ==
          std::vector<std::string>{"error scatter #0 on group " + group_hex(g) + ": " + cause});
}

TEST_CASE("members that disagree on the value type fail naming the sender",
          "[actors][collectives][failure]") {
  auto n = group_node(2);
  auto out = std::make_shared<lines>(2);
  auto g = ta::spawn_group(n.system(), 2, {.name = "m"}, mixed_types, out);
  await_members(n, g);
  auto got = out->get();
  CHECK_THAT(got[0][0], Catch::Contains(g.describe(1) + " sent a std::int64_t where " +
                                        g.describe(0) + " expected a double"));
  CHECK_THAT(got[1][0], Catch::Contains(g.describe(0) + " sent a double where " + g.describe(1) +
                                        " expected a std::int64_t"));
}
