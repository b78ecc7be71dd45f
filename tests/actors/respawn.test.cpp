// `troupe-run --respawn K`: a chaos test kills a random node of a 3-node heat2d right after a
// random checkpoint, 20 times with different seeds; each job is relaunched from its newest
// checkpoint and ends with the uninterrupted run's bits.
#if defined(TROUPE_EXAMPLE_HEAT2D) && defined(TROUPE_RUN_EXE)

#include <csignal>
#include <fstream>
#include <random>
#include <sstream>

#include "cluster_support.hpp"

using namespace std::chrono_literals;
using troupe::test::process;
using troupe::test::scratch;
using troupe::test::succeeded;
using troupe::test::value_of;
using troupe::test::with;

namespace {

// The rank troupe-run gave process `pid` (TROUPE_RANK in its environment), or -1.
int rank_of(pid_t pid) {
  std::ifstream env{"/proc/" + std::to_string(pid) + "/environ"};
  std::string var;
  while (std::getline(env, var, '\0'))
    if (var.rfind("TROUPE_RANK=", 0) == 0)
      return std::stoi(var.substr(12));
  return -1;
}

// troupe-run's rank processes now, by rank (troupe-run starts them as its children).
std::vector<pid_t> ranks_of(pid_t troupe_run, std::size_t size) {
  std::vector<pid_t> by_rank(size, -1);
  std::ifstream children{"/proc/" + std::to_string(troupe_run) + "/task/" +
                         std::to_string(troupe_run) + "/children"};
  pid_t pid = 0;
  while (children >> pid)
    if (auto r = rank_of(pid); r >= 0 && static_cast<std::size_t>(r) < size)
      by_rank[static_cast<std::size_t>(r)] = pid;
  return by_rank;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

} // namespace

TEST_CASE("heat2d under troupe-run --respawn ends with the uninterrupted bits whichever node is "
          "killed whenever (20 seeds)",
          "[actors][heat2d][multinode][chaos]") {
  std::vector<std::string> args{
      "--nx",    "40",   "--ny",   "40",       "--tiles-x",  "3",   "--tiles-y",          "2",
      "--steps", "1000", "--init", "gaussian", "--progress", "off", "--checkpoint-every", "50"};
  scratch reference_dir;
  auto reference = succeeded(
      TROUPE_EXAMPLE_HEAT2D,
      with(args, {"--threads", "2", "--checkpoint-dir", (reference_dir.path / "cp").string()}));
  auto bits = value_of(reference, "checksum");
  REQUIRE(!bits.empty());
  std::size_t respawned = 0;
  for (unsigned seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    scratch dir;
    std::mt19937 rng{seed};
    auto victim = std::uniform_int_distribution<std::size_t>{0, 2}(rng);
    // A random moment: right after the k-th checkpoint (of 20) was reported.
    auto after = std::uniform_int_distribution<int>{0, 12}(rng);
    process job{TROUPE_RUN_EXE, with({"--respawn", "3", "-n", "3", TROUPE_EXAMPLE_HEAT2D},
                                     with(args, {"--threads", "1", "--checkpoint-dir",
                                                 (dir.path / "cp").string()}))};
    troupe::test::await_line(job, "[0] tiles: ", troupe::test::start_timeout,
                             "the first run's tiles line");
    for (int k = 0; k < after; ++k)
      troupe::test::await_line(job, "[0] checkpoint written: ", troupe::test::start_timeout,
                               "a checkpoint of the first run");
    auto pids = ranks_of(job.pid(), 3);
    if (pids[victim] > 0)
      ::kill(pids[victim], SIGKILL);
    auto code = job.wait(180s, "the respawned job to finish");
    INFO("rank " << victim << " killed after checkpoint " << after << "\ntroupe-run stdout:\n"
                 << job.out() << "stderr:\n"
                 << job.err());
    REQUIRE(code == 0);
    CHECK(value_of(job.out(), "[0] checksum") == bits);
    CHECK(value_of(job.out(), "[0] steps") == "1000");
    auto again = count_of(job.err(), "starting it again") > 0;
    respawned += again ? 1 : 0;
    // A relaunch after a checkpoint was written resumes from it.
    if (again && after > 0)
      CHECK(count_of(job.out(), "[0] restart: step ") > 0);
  }
  // A kill that lands after the run's end respawns nothing; nearly all land inside it.
  CHECK(respawned >= 15);
}

#endif
