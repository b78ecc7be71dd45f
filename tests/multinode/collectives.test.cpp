// Groups and collectives across two processes (tests/multinode/collectives_main.cpp): ranks 1
// and 3 of a group of 5 live in the listener's process, ranks 0, 2 and 4 in the joiner's.
#include <csignal>
#include <string>
#include <utility>

#include "nodes.hpp"

using troupe::test::finish_timeout;
using troupe::test::listener;
using troupe::test::process;
using troupe::test::start_timeout;
using troupe::test::value_of;

namespace {

// Runs `scenario` of the joiner, kills the listener once every member took part in the first
// allreduce (rank 0 finished it), and returns what the joiner's members said after.
std::string after_listener_killed(const std::string& scenario) {
  listener server{TROUPE_TEST_COLLECTIVES_NODE_EXE};
  process client{TROUPE_TEST_COLLECTIVES_NODE_EXE,
                 {"--join", server.address(), "--scenario", scenario}};
  std::string line;
  while (line != "rank 0 first: ok")
    line = client.read_line(start_timeout, "rank 0's first allreduce");
  server.proc.signal(SIGKILL);
  auto code = client.wait(finish_timeout, "the joiner's members to fail");
  INFO("joiner stdout:\n" << client.out() << "joiner stderr:\n" << client.err());
  REQUIRE(code == 0);
  return client.out();
}

} // namespace

TEST_CASE("an allreduce over members on two processes gives the serial tree's bits to all",
          "[multinode][collectives]") {
  listener server{TROUPE_TEST_COLLECTIVES_NODE_EXE};
  process client{TROUPE_TEST_COLLECTIVES_NODE_EXE,
                 {"--join", server.address(), "--scenario", "allreduce"}};
  auto code = client.wait(finish_timeout, "the joiner to run its collectives");
  INFO("joiner stdout:\n" << client.out() << "joiner stderr:\n" << client.err());
  REQUIRE(code == 0);
  // A block crossed to the other process and back with its bits intact (NaN payload, -0.0,
  // a subnormal).
  CHECK(value_of(client.out(), "echo") == "same bits");
  // 1e16 + 1 + 1 + 1 - 1e16 in the tree's order is 2 (0x4000...), not 0 as left to right.
  CHECK(value_of(client.out(), "allreduce") == "4000000000000000 expected 4000000000000000");
  CHECK(value_of(client.out(), "collectives") == "same bits on all 5 members");
  CHECK(client.err().empty());
  REQUIRE(server.proc.wait(finish_timeout, "the listener to exit after its members") == 0);
  CHECK_THAT(server.proc.out(), Catch::EndsWith("peer done\n"));
}

TEST_CASE("a member killed in the other process makes the others' allreduce fail naming it",
          "[multinode][collectives]") {
  listener server{TROUPE_TEST_COLLECTIVES_NODE_EXE};
  process client{TROUPE_TEST_COLLECTIVES_NODE_EXE,
                 {"--join", server.address(), "--scenario", "kill-member"}};
  auto code = client.wait(finish_timeout, "the joiner's members to fail");
  INFO("joiner stdout:\n" << client.out() << "joiner stderr:\n" << client.err());
  REQUIRE(code == 0);
  for (std::string rank : {"0", "2", "4"}) {
    INFO("rank " << rank);
    CHECK(value_of(client.out(), "rank " + rank + " first") == "ok");
    auto second = value_of(client.out(), "rank " + rank + " second");
    CHECK_THAT(second, Catch::StartsWith("actor_exited: allreduce #1 on group ") &&
                           Catch::Contains(": rank 1, remote actor (id ") &&
                           Catch::EndsWith(" ended with exit_reason(kill)"));
  }
  REQUIRE(server.proc.wait(finish_timeout, "the listener to exit after its members") == 0);
  // Rank 3, on the listener, failed alike.
  CHECK_THAT(value_of(server.proc.out(), "rank 3 second"),
             Catch::StartsWith("actor_exited: allreduce #1 on group ") &&
                 Catch::Contains(": rank 1, "));
}

TEST_CASE("members whose process is killed make the others' allreduce fail with "
          "errc::unreachable naming one of them",
          "[multinode][collectives]") {
  auto out = after_listener_killed("kill-process");
  for (std::string rank : {"0", "2", "4"}) {
    INFO("rank " << rank);
    auto second = value_of(out, "rank " + rank + " second");
    // Whether a member heard of the lost node itself or from another member, the code is the
    // same.
    CHECK_THAT(second, Catch::StartsWith("unreachable: allreduce #1 on group ") &&
                           (Catch::Contains(": rank 1, remote actor (id ") ||
                            Catch::Contains(": rank 3, remote actor (id ")) &&
                           Catch::EndsWith(" ended with exit_reason(remote_link_unreachable): the "
                                           "connection to its node broke or timed out"));
  }
}

TEST_CASE("a halo exchange whose neighbour's process is killed fails with errc::unreachable "
          "naming that neighbour",
          "[multinode][collectives][halo]") {
  auto out = after_listener_killed("kill-process-halo");
  // Tiles in a row: rank 0's east neighbour is rank 1, rank 4's west one rank 3, and rank 2
  // has both; ranks 1 and 3 were on the killed process.
  for (auto [rank, neighbours] :
       {std::pair{"0", "east neighbour (rank 1, "}, std::pair{"2", " neighbour (rank "},
        std::pair{"4", "west neighbour (rank 3, "}}) {
    INFO("rank " << rank);
    CHECK_THAT(value_of(out, std::string{"rank "} + rank + " halo"),
               Catch::StartsWith("unreachable: halo exchange of step 0: the ") &&
                   Catch::Contains(neighbours) &&
                   Catch::Contains(" ended before sending its edge (remote actor (id ") &&
                   Catch::EndsWith(" ended with exit_reason(remote_link_unreachable): the "
                                   "connection to its node broke or timed out)"));
  }
}
