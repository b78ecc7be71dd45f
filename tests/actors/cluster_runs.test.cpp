// heat2d and pricer run over a cluster as users start them: `troupe-run -n 3` gives the same
// bits as one node; a node lost mid-run stops the run within 5 s naming the node and the
// newest checkpoint, and a restart from it on fewer or more nodes ends with the uninterrupted
// run's bits.
#if defined(TROUPE_EXAMPLE_HEAT2D) && defined(TROUPE_EXAMPLE_PRICER) && defined(TROUPE_RUN_EXE)

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cluster_support.hpp"

using namespace std::chrono_literals;
using troupe::test::await_line;
using troupe::test::on_nodes;
using troupe::test::process;
using troupe::test::scratch;
using troupe::test::succeeded;
using troupe::test::value_of;
using troupe::test::with;
namespace fs = std::filesystem;

namespace {

// A process of a job of `size` started by hand, as troupe-run would start it.
process job_process(int rank, int size, std::vector<std::string> args) {
  return process{"/usr/bin/env",
                 with({"TROUPE_RANK=" + std::to_string(rank), "TROUPE_SIZE=" + std::to_string(size),
                       TROUPE_EXAMPLE_HEAT2D},
                      args)};
}

int port_of(process& p) {
  auto port = await_line(p, "listening on 127.0.0.1:", troupe::test::start_timeout,
                         "the 'listening on 127.0.0.1:PORT' line");
  return std::stoi(port);
}

} // namespace

TEST_CASE("heat2d run by troupe-run on 3 nodes prints the same bits as on one node",
          "[actors][heat2d][multinode]") {
  auto placement = GENERATE(as<std::string>{}, "block", "round-robin");
  CAPTURE(placement);
  std::vector<std::string> args{
      "--nx",      "61",      "--ny",       "47",  "--tiles-x",        "3",
      "--tiles-y", "2",       "--steps",    "150", "--residual-every", "7",
      "--init",    "hotspot", "--progress", "off", "--placement",      placement};
  auto one = succeeded(TROUPE_EXAMPLE_HEAT2D, with(args, {"--threads", "2"}));
  REQUIRE(!value_of(one, "checksum").empty());
  auto three = on_nodes(3, TROUPE_EXAMPLE_HEAT2D, with(args, {"--threads", "1"}));
  INFO("troupe-run's stdout:\n" << three);
  CHECK(value_of(three, "[0] tiles") == "2 on this node, 4 on 2 other nodes");
  CHECK(value_of(three, "[0] checksum") == value_of(one, "checksum"));
  CHECK(value_of(three, "[0] residual") == value_of(one, "residual"));
  CHECK(value_of(three, "[0] steps") == "150");
}

TEST_CASE("pricer run by troupe-run on 3 nodes prints the same bits as on one node",
          "[actors][pricer][multinode]") {
  std::vector<std::string> args{"--option",     "asian-call", "--paths",       "60000",
                                "--time-steps", "8",          "--chunk-paths", "2000",
                                "--progress",   "off"};
  auto one = succeeded(TROUPE_EXAMPLE_PRICER, with(args, {"--threads", "2"}));
  REQUIRE(!value_of(one, "price").empty());
  auto three = on_nodes(3, TROUPE_EXAMPLE_PRICER, with(args, {"--threads", "1"}));
  INFO("troupe-run's stdout:\n" << three);
  CHECK(value_of(three, "[0] price") == value_of(one, "price"));
  CHECK(value_of(three, "[0] std error") == value_of(one, "std error"));
}

TEST_CASE("heat2d stops within 5 s naming a lost node and the newest checkpoint, and resumes "
          "from it on fewer or more nodes with the uninterrupted run's bits",
          "[actors][heat2d][multinode]") {
  auto how = GENERATE(SIGKILL, SIGSTOP);
  CAPTURE(how == SIGKILL ? "killed" : "frozen");
  scratch dir;
  auto checkpoints = (dir.path / "run").string();
  std::vector<std::string> args{"--nx",
                                "48",
                                "--ny",
                                "48",
                                "--tiles-x",
                                "3",
                                "--tiles-y",
                                "2",
                                "--steps",
                                "6000",
                                "--init",
                                "gaussian",
                                "--progress",
                                "off",
                                "--threads",
                                "1",
                                "--middleman.heartbeat-interval=500ms",
                                "--middleman.connection-timeout=2s"};
  auto reference = succeeded(TROUPE_EXAMPLE_HEAT2D, args);
  REQUIRE(!value_of(reference, "checksum").empty());

  args.insert(args.end(), {"--checkpoint-every", "100"});
  auto run = with(args, {"--checkpoint-dir", checkpoints});
  auto driver = job_process(0, 3, with(run, {"--listen", "127.0.0.1:0"}));
  auto at = "127.0.0.1:" + std::to_string(port_of(driver));
  auto serving = job_process(1, 3, with(run, {"--join", at}));
  auto lost = job_process(2, 3, with(run, {"--join", at, "--listen", "127.0.0.1:0"}));
  auto lost_at = "127.0.0.1:" + std::to_string(port_of(lost));
  await_line(driver, "checkpoint written: ", troupe::test::start_timeout,
             "the driver's first checkpoint");
  lost.signal(how);
  auto code = driver.wait(5s, "the driver to stop the run after a node was lost");
  INFO("driver stdout:\n" << driver.out() << "driver stderr:\n" << driver.err());
  CHECK(code == 1);
  CHECK_THAT(driver.err(),
             Catch::Contains("lost node " + lost_at) || Catch::Contains("on node " + lost_at));
  CHECK_THAT(driver.err(), Catch::Contains("newest checkpoint: " + checkpoints + "/") &&
                               Catch::Contains("resume with --restart " + checkpoints));
  // The serving node sees its driver leave and ends too.
  CHECK(serving.wait(troupe::test::finish_timeout, "the other serving node to end") == 0);

  // Each restart gets its own copy: a restart writes checkpoints of its own.
  for (int nodes : {2, 4}) {
    CAPTURE(nodes);
    auto copy = (dir.path / ("restart-" + std::to_string(nodes))).string();
    fs::copy(checkpoints, copy, fs::copy_options::recursive);
    auto resumed = on_nodes(nodes, TROUPE_EXAMPLE_HEAT2D,
                            with(args, {"--checkpoint-dir", copy, "--restart", copy}));
    INFO("troupe-run's stdout:\n" << resumed);
    CHECK_THAT(value_of(resumed, "[0] restart"), Catch::StartsWith("step "));
    CHECK(value_of(resumed, "[0] checksum") == value_of(reference, "checksum"));
  }
}

#endif
