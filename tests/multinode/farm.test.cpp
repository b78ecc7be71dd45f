// The task farm with workers in other processes (--join, or a job of three): every task's
// outcome exactly once, also when a process is killed mid-run (its tasks are redone by the
// workers elsewhere).
#include <csignal>
#include <memory>
#include <string>
#include <vector>

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

TEST_CASE("farm over three nodes has workers on each, and when one node is killed mid-run its "
          "tasks are redone elsewhere, each once",
          "[multinode][farm]") {
  auto job_node = [](int rank, std::vector<std::string> args) {
    args.insert(args.begin(), {"TROUPE_RANK=" + std::to_string(rank), "TROUPE_SIZE=3",
                               TROUPE_TEST_FARM_NODE_EXE});
    return std::make_unique<process>("/usr/bin/env", std::move(args));
  };
  auto master = job_node(0, {"--listen", "127.0.0.1:0", "--tasks", "3000"});
  auto at = await_line(*master, "listening on ", start_timeout, "the master's listening line");
  auto working = job_node(1, {"--join", at});
  auto lost = job_node(2, {"--join", at, "--hold", "true"});
  for (int held = 0; held < 2; ++held)
    CHECK_THAT(lost->read_line(start_timeout, "a worker on the doomed node holding a task"),
               Catch::StartsWith("holding task "));
  lost->signal(SIGKILL);
  auto code = master->wait(finish_timeout, "the farm to finish without the killed node");
  INFO("master stdout (tail):\n"
       << master->out().substr(master->out().size() > 2000 ? master->out().size() - 2000 : 0)
       << "master stderr:\n"
       << master->err());
  REQUIRE(code == 0);
  CHECK(value_of(master->out(), "summary") ==
        "3000 outcomes, 3000 ids, 0 failed, values right, 2 retried, 2 workers lost");
  // The surviving serving node's workers took tasks too.
  CHECK(working->read_line(start_timeout, "the working node's first task") == "worked a task");
}
