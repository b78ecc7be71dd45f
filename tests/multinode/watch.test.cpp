// context::watch of actors on another process (tests/multinode/node_main.cpp, scenario "watch"):
// a lost link to their node has a code of its own, other ends keep theirs.
#include <csignal>
#include <string>

#include "nodes.hpp"

using troupe::test::await_line;
using troupe::test::finish_timeout;
using troupe::test::listener;
using troupe::test::process;
using troupe::test::start_timeout;
using troupe::test::value_of;

TEST_CASE("a watch of an actor whose process is killed reports errc::unreachable naming it, "
          "while remote actors that return, throw or are killed keep their own results",
          "[multinode][watch][errc]") {
  listener server{TROUPE_TEST_NODE_EXE};
  process client{TROUPE_TEST_NODE_EXE,
                 {"--join", server.address(), "--scenario", "watch", "--request-timeout", "30"}};
  await_line(client, "watching: ", start_timeout, "the joiner's watch of the remote adder");
  server.proc.signal(SIGKILL);
  auto code = client.wait(finish_timeout, "the joiner to see its watch of the adder end");
  INFO("joiner stdout:\n" << client.out() << "joiner stderr:\n" << client.err());
  REQUIRE(code == 0);
  CHECK(value_of(client.out(), "watch returned") == "ok");
  CHECK(value_of(client.out(), "thrower") == "exception: tile 7 diverged at step 40");
  CHECK(value_of(client.out(), "watch thrower") == "exception: tile 7 diverged at step 40");
  CHECK_THAT(value_of(client.out(), "watch killed"),
             Catch::StartsWith("actor_exited: remote actor (id ") &&
                 Catch::EndsWith(" ended with exit_reason(kill)"));
  // The text names the actor and keeps CAF's reason for people searching logs.
  CHECK_THAT(value_of(client.out(), "watch lost"),
             Catch::StartsWith("unreachable: remote actor (id ") &&
                 Catch::EndsWith(" ended with exit_reason(remote_link_unreachable): the "
                                 "connection to its node broke or timed out"));
}
