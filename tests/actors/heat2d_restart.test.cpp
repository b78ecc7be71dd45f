// examples/heat2d's checkpoints and restarts, run as programs: a run killed mid-way and
// restarted (on another thread count, or with its tiles over two processes) ends with the same
// field and residual bits as a run never interrupted; a damaged newest checkpoint is named and
// the previous one used; checkpoints of another layout or program and bad flags are refused
// with one line and exit 2.
#ifdef TROUPE_EXAMPLE_HEAT2D

#include <csignal>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <multinode/nodes.hpp>

#include "checkpoint_support.hpp"

using namespace std::chrono_literals;
using troupe::test::listener;
using troupe::test::process;
using troupe::test::scratch_dir;
using troupe::test::value_of;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> grid(std::vector<std::string> more) {
  std::vector<std::string> args{"--nx",
                                "61",
                                "--ny",
                                "47",
                                "--tiles-x",
                                "3",
                                "--tiles-y",
                                "2",
                                "--init",
                                "hotspot",
                                "--residual-every",
                                "7",
                                "--boundary-every",
                                "5",
                                "--progress",
                                "off"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Runs heat2d to its end; returns the process (its output) after checking it succeeded.
std::unique_ptr<process> finish(std::vector<std::string> args) {
  auto p = std::make_unique<process>(TROUPE_EXAMPLE_HEAT2D, std::move(args));
  auto code = p->wait(120s, "heat2d to finish");
  INFO(p->describe() << "\nstdout:\n" << p->out() << "stderr:\n" << p->err());
  REQUIRE(code == 0);
  return p;
}

// Runs heat2d expecting a refusal: exit 2, one line on stderr; returns that line.
std::string refused(std::vector<std::string> args) {
  process p{TROUPE_EXAMPLE_HEAT2D, std::move(args)};
  auto code = p.wait(60s, "heat2d to refuse");
  INFO(p.describe() << "\nstdout:\n" << p.out() << "stderr:\n" << p.err());
  CHECK(code == 2);
  CHECK(std::count(p.err().begin(), p.err().end(), '\n') == 1);
  return p.err();
}

// The steps of the checkpoints in `dir`, newest last.
std::vector<std::int64_t> checkpoint_steps(const fs::path& dir) {
  std::vector<std::int64_t> steps;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator{dir, ec}) {
    auto name = entry.path().filename().string();
    if (name.rfind("step_", 0) == 0)
      steps.push_back(std::stoll(name.substr(5)));
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

// Starts an endless run checkpointing into `dir`, kills it (SIGKILL) once it said two
// checkpoints were written, and returns the newest one's step.
std::int64_t killed_after_checkpoints(const fs::path& dir) {
  process run{TROUPE_EXAMPLE_HEAT2D, grid({"--steps", "100000000", "--checkpoint-dir", dir.string(),
                                           "--checkpoint-every", "50", "--threads", "2"})};
  for (int written = 0; written < 2;) {
    auto line = run.read_line(std::chrono::seconds{60}, "a 'checkpoint written:' line");
    written += line.rfind("checkpoint written: ", 0) == 0 ? 1 : 0;
  }
  run.signal(SIGKILL);
  run.wait(30s, "the killed heat2d to end");
  return checkpoint_steps(dir).back();
}

} // namespace

TEST_CASE("heat2d killed and restarted on another thread count gives the bits of an "
          "uninterrupted run",
          "[actors][heat2d][checkpoint]") {
  scratch_dir dir;
  auto at = killed_after_checkpoints(dir.path());
  auto steps = std::to_string(at + 33);
  auto whole = finish(grid({"--steps", steps, "--threads", "2"}));
  auto resumed =
      finish(grid({"--steps", steps, "--threads", "1", "--restart", dir.path().string()}));
  CHECK_THAT(resumed->out(), Catch::Contains("restart: step " + std::to_string(at) + " from "));
  CHECK(value_of(resumed->out(), "steps") == steps);
  CHECK(value_of(resumed->out(), "checksum") == value_of(whole->out(), "checksum"));
  CHECK(value_of(resumed->out(), "residual") == value_of(whole->out(), "residual"));
}

TEST_CASE("heat2d --resume starts afresh with no checkpoint in --checkpoint-dir and resumes "
          "from its newest one otherwise, with the uninterrupted bits",
          "[actors][heat2d][checkpoint]") {
  scratch_dir dir;
  auto fresh = dir / "fresh";
  auto steps = std::string{"120"};
  auto whole = finish(grid({"--steps", steps}));
  auto first = finish(grid({"--steps", steps, "--resume", "--checkpoint-dir", fresh.string()}));
  CHECK(first->out().find("restart:") == std::string::npos);
  CHECK(value_of(first->out(), "checksum") == value_of(whole->out(), "checksum"));

  auto killed = dir / "killed";
  auto at = killed_after_checkpoints(killed);
  steps = std::to_string(at + 33);
  whole = finish(grid({"--steps", steps}));
  auto resumed = finish(grid({"--steps", steps, "--resume", "--checkpoint-dir", killed.string(),
                              "--checkpoint-every", "50"}));
  CHECK_THAT(resumed->out(), Catch::Contains("restart: step " + std::to_string(at) + " from "));
  CHECK(value_of(resumed->out(), "checksum") == value_of(whole->out(), "checksum"));
  CHECK(refused(grid({"--resume"})) == "heat2d: --resume needs --checkpoint-dir DIR to resume "
                                       "from\n");
}

TEST_CASE("heat2d restarted with its tiles over two processes gives the bits of an "
          "uninterrupted run on one",
          "[actors][heat2d][checkpoint][multinode]") {
  scratch_dir dir;
  finish(grid({"--steps", "60", "--checkpoint-dir", dir.path().string(), "--checkpoint-every", "30",
               "--threads", "1"}));
  auto whole = finish(grid({"--steps", "100", "--threads", "1"}));
  listener server{TROUPE_EXAMPLE_HEAT2D, {"--threads", "1"}};
  auto resumed = finish(grid({"--steps", "100", "--threads", "1", "--restart", dir.path().string(),
                              "--join", server.address(), "--placement", "round-robin"}));
  CHECK(value_of(resumed->out(), "tiles") == "3 on this node, 3 on 1 other node");
  CHECK(value_of(resumed->out(), "checksum") == value_of(whole->out(), "checksum"));
  CHECK(value_of(resumed->out(), "residual") == value_of(whole->out(), "residual"));
  REQUIRE(server.proc.wait(60s, "the listening heat2d to end after its tiles") == 0);
}

TEST_CASE("heat2d names a damaged newest checkpoint and restarts from the one before",
          "[actors][heat2d][checkpoint]") {
  scratch_dir dir;
  finish(
      grid({"--steps", "60", "--checkpoint-dir", dir.path().string(), "--checkpoint-every", "20"}));
  REQUIRE(checkpoint_steps(dir.path()) == std::vector<std::int64_t>{40, 60});
  troupe::test::flip_bit(dir.path() / "step_0000000060" / "part_4.bin", 100);
  auto whole = finish(grid({"--steps", "90"}));
  auto resumed = finish(grid({"--steps", "90", "--restart", dir.path().string()}));
  CHECK_THAT(resumed->err(),
             Catch::Contains("step_0000000060") && Catch::Contains("part_4.bin checksum mismatch"));
  CHECK_THAT(resumed->out(), Catch::Contains("restart: step 40 from "));
  CHECK(value_of(resumed->out(), "checksum") == value_of(whole->out(), "checksum"));
}

TEST_CASE("heat2d restarted with --out continues the .pvd series and the CSV from its step",
          "[actors][heat2d][checkpoint]") {
  scratch_dir dir;
  auto out = (dir / "out").string();
  auto ck = (dir / "ck").string();
  finish(grid({"--steps", "40", "--output-every", "20", "--out", out, "--checkpoint-dir", ck}));
  finish(grid({"--steps", "80", "--output-every", "20", "--out", out, "--restart", ck}));
  auto pvd = troupe::test::slurp(dir / "out" / "heat2d.pvd");
  std::vector<std::string> listed;
  for (auto at = pvd.find("file=\""); at != std::string::npos; at = pvd.find("file=\"", at + 1))
    listed.push_back(pvd.substr(at + 6, pvd.find('"', at + 6) - at - 6));
  CHECK(listed == std::vector<std::string>{"heat2d_000000.vti", "heat2d_000020.vti",
                                           "heat2d_000040.vti", "heat2d_000060.vti",
                                           "heat2d_000080.vti"});
  std::vector<std::string> steps;
  auto csv = troupe::test::slurp(dir / "out" / "heat2d.csv");
  for (std::size_t at = 0; at < csv.size(); at = csv.find('\n', at) + 1)
    steps.push_back(csv.substr(at, csv.find(',', at) - at));
  // Residuals every 7 steps and at each run's last step (40 was the first run's).
  CHECK(steps == std::vector<std::string>{"step", "7", "14", "21", "28", "35", "40", "42", "49",
                                          "56", "63", "70", "77", "80"});
}

TEST_CASE("heat2d refuses checkpoints of another layout, setup or program, naming them",
          "[actors][heat2d][checkpoint]") {
  scratch_dir dir;
  finish(grid({"--steps", "20", "--checkpoint-dir", dir.path().string()}));
  auto restart = std::vector<std::string>{"--steps", "40", "--restart", dir.path().string()};
  auto layout = restart;
  layout.insert(layout.end(), {"--tiles-x", "2"});
  CHECK_THAT(refused(grid(layout)),
             Catch::StartsWith("heat2d: --restart " + dir.path().string() + ": checkpoint '") &&
                 Catch::Contains("was written for layout '61x47 cells in 3x2 tiles, dt ") &&
                 Catch::Contains("this run has '61x47 cells in 2x2 tiles"));
  auto init = restart;
  init.insert(init.end(), {"--init", "sine"});
  CHECK_THAT(refused(grid(init)), Catch::Contains("init hotspot' in 6 parts, this run has '") &&
                                      Catch::Contains("init sine' in 6 parts"));
  scratch_dir other;
  troupe::test::write_heat(other.path(), 10, "wave");
  CHECK_THAT(refused(grid({"--steps", "40", "--restart", other.path().string()})),
             Catch::Contains("of program 'wave', not 'heat2d'"));
  CHECK_THAT(refused(grid({"--steps", "10", "--restart", dir.path().string()})),
             Catch::Contains("the checkpoint is at step 20, past --steps 10"));
}

TEST_CASE("heat2d refuses checkpoint flags that cannot work, writing nothing",
          "[actors][heat2d][checkpoint]") {
  scratch_dir dir;
  CHECK(refused(grid({"--checkpoint-every", "7", "--checkpoint-dir", dir.path().string()})) ==
        "heat2d: --checkpoint-every 7 must be 0 or a positive multiple of --boundary-every 5 "
        "(checkpoints are taken at step boundaries)\n");
  CHECK(refused(grid({"--checkpoint-every", "10"})) ==
        "heat2d: --checkpoint-every needs --checkpoint-dir DIR to write into\n");
  troupe::test::overwrite(dir / "file", "x");
  CHECK_THAT(refused(grid({"--checkpoint-dir", (dir / "file" / "sub").string(), "--out",
                           (dir / "out").string()})),
             Catch::StartsWith("heat2d: --checkpoint-dir " + (dir / "file" / "sub").string()));
  CHECK_FALSE(fs::exists(dir / "out"));
}

#endif
