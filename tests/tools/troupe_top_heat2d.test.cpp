// troupe-top in a real terminal (tmux) attached to the main demo as users run it: heat2d on 3
// nodes started by troupe-run. The screen shows the tiles of every node and the simulation's
// progress; a filter keeps the tiles, Enter shows what a tile awaits, `p` pauses and resumes the
// run (--monitor-allow-control), and when a node is killed (the run stops) troupe-top shows the
// nodes down and keeps running.
#ifdef TROUPE_EXAMPLE_HEAT2D

#include <csignal>
#include <fstream>
#include <set>

#include "tmux_support.hpp"

using troupe::test::await_line;
using troupe::test::process;
using troupe::test::rows_of;
using troupe::test::start_timeout;
using troupe::test::tmux_server;

namespace {

using namespace std::chrono_literals;

// troupe-run's child of rank `rank` (TROUPE_RANK in its environment), or -1.
pid_t rank_pid(pid_t troupe_run, int rank) {
  std::ifstream children{"/proc/" + std::to_string(troupe_run) + "/task/" +
                         std::to_string(troupe_run) + "/children"};
  for (pid_t pid = 0; children >> pid;) {
    std::ifstream env{"/proc/" + std::to_string(pid) + "/environ"};
    for (std::string var; std::getline(env, var, '\0');)
      if (var == "TROUPE_RANK=" + std::to_string(rank))
        return pid;
  }
  return -1;
}

std::set<std::string> tile_nodes(const std::string& screen) {
  std::set<std::string> nodes;
  for (auto& r : rows_of(screen))
    if (r.size() > 3 && r[2] == "heat2d.tile")
      nodes.insert(r[3]);
  return nodes;
}

} // namespace

TEST_CASE("troupe-top in a terminal shows a 3-node heat2d's tiles and progress, a tile's await, "
          "pauses and resumes it, and shows the nodes down after a kill",
          "[tools][troupe-top][tmux]") {
  auto tmux = troupe::test::find_in_path("tmux");
  if (!tmux) {
    WARN("skipped: tmux is not installed (scripts/install-deps installs it)");
    return;
  }
  process job{TROUPE_RUN_EXE,
              {"-n", "3", TROUPE_EXAMPLE_HEAT2D, "--nx", "256", "--ny", "256", "--tiles-x", "3",
               "--tiles-y", "2", "--steps", "100000000", "--threads", "1", "--progress", "off",
               "--monitor-allow-control", "true"}};
  await_line(job, "[0] tiles: ", start_timeout, "the run under way");
  std::string monitor;
  while (monitor.empty()) {
    auto line = job.read_err_line(start_timeout, "rank 0's 'monitor on' line");
    if (line.starts_with("[0] monitor on http://"))
      monitor = line.substr(22);
  }
  tmux_server server{*tmux};
  server.start(std::string{TROUPE_TOP_EXE} + " " + monitor);

  server.await(
      [](const std::string& s) {
        return tile_nodes(s).size() == 3 && s.find("nodes 3/3 up") != std::string::npos &&
               s.find("simulation: step ") != std::string::npos &&
               s.find("ETA") != std::string::npos;
      },
      "tiles on all three nodes, 'nodes 3/3 up' and the simulation's step and ETA");

  server.keys({"/", "heat2d.tile", "Enter"});
  server.await(
      [](const std::string& s) {
        auto rows = rows_of(s);
        return rows.size() == 6 &&
               std::all_of(rows.begin(), rows.end(), [](auto& r) { return r[2] == "heat2d.tile"; });
      },
      "exactly the six tiles after filtering on 'heat2d.tile'");
  server.keys({"Enter"});
  server.await(
      [](const std::string& s) {
        return s.find("(heat2d.tile) on ") != std::string::npos &&
               s.find("awaits ") != std::string::npos;
      },
      "a tile's detail with what it awaits");
  server.keys({"Escape"});

  server.keys({"p"});
  server.await([](const std::string& s) { return s.find("PAUSED") != std::string::npos; },
               "the simulation shown paused after 'p'");
  server.keys({"p"});
  server.await([](const std::string& s) { return s.find("PAUSED") == std::string::npos; },
               "the simulation running again after a second 'p'");

  auto victim = rank_pid(job.pid(), 2);
  REQUIRE(victim > 0);
  ::kill(victim, SIGKILL);
  server.await(
      [](const std::string& s) {
        return s.find("nodes 3/3 up") == std::string::npos && s.find("  down") != std::string::npos;
      },
      "nodes shown down after the kill");
  CHECK_FALSE(server.ended());
  server.keys({"q"});
  server.await([&](const std::string&) { return server.ended(); }, "troupe-top ending after q");
  // The driver stopped the run naming the lost node; troupe-run passed the first failure on.
  CHECK(job.wait(troupe::test::finish_timeout, "the job to end after the kill") != 0);
}

#endif
