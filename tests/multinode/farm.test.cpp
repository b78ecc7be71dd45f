// The task farm with workers in a second process (--join): every task's outcome exactly once,
// also when that process is killed mid-run (its tasks are redone by the workers here).
#include <csignal>
#include <string>

#include <catch2/catch.hpp>

#include "nodes.hpp"

using namespace troupe::test;

TEST_CASE("farm with workers on two processes gives every task's result once",
          "[multinode][farm]") {
  listener server{TROUPE_TEST_FARM_NODE_EXE};
  process client{TROUPE_TEST_FARM_NODE_EXE, {"--join", server.address(), "--tasks", "60"}};
  auto code = client.wait(finish_timeout, "the farm to finish");
  INFO("joiner stdout:\n" << client.out() << "joiner stderr:\n" << client.err());
  REQUIRE(code == 0);
  CHECK(value_of(client.out(), "summary") ==
        "60 outcomes, 60 ids, 0 failed, values right, 0 retried, 0 workers lost");
}

TEST_CASE("farm whose workers' process is killed mid-run redoes their tasks here, each once",
          "[multinode][farm]") {
  listener server{TROUPE_TEST_FARM_NODE_EXE, {"--hold", "true"}};
  // Enough tasks (1 ms each here) that the remote workers, slower to start, get some first.
  process client{TROUPE_TEST_FARM_NODE_EXE, {"--join", server.address(), "--tasks", "3000"}};
  // Under way: each remote worker holds a task it never finishes, so the farm cannot end
  // before the kill.
  for (int held = 0; held < 2; ++held)
    CHECK_THAT(server.proc.read_line(start_timeout, "a remote worker holding a task"),
               Catch::StartsWith("holding task "));
  server.proc.signal(SIGKILL);
  auto code = client.wait(finish_timeout, "the farm to finish without the killed process");
  INFO("joiner stdout (tail):\n"
       << client.out().substr(client.out().size() > 2000 ? client.out().size() - 2000 : 0)
       << "joiner stderr:\n"
       << client.err());
  REQUIRE(code == 0);
  CHECK(value_of(client.out(), "summary") ==
        "3000 outcomes, 3000 ids, 0 failed, values right, 2 retried, 2 workers lost");
}
