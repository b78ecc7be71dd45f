// troupe-run starting real troupe nodes (tests/multinode/node_main.cpp): wiring, rank-prefixed
// output, a failing rank, and signals passed on.
#include <csignal>
#include <set>
#include <string>
#include <vector>

#include <multinode/nodes.hpp>

using troupe::test::finish_timeout;
using troupe::test::lines_of;
using troupe::test::process;
using troupe::test::start_timeout;
using troupe::test::value_of;

namespace {

// The lines of `text` that rank `rank` printed, without their prefix.
std::vector<std::string> lines_of_rank(const std::string& text, int rank) {
  std::vector<std::string> out;
  auto prefix = "[" + std::to_string(rank) + "] ";
  for (auto& line : lines_of(text))
    if (line.rfind(prefix, 0) == 0)
      out.push_back(line.substr(prefix.size()));
  return out;
}

std::string text_of_rank(const std::string& text, int rank) {
  std::string out;
  for (auto& line : lines_of_rank(text, rank))
    out += line + "\n";
  return out;
}

// Reads troupe-run's stdout until every rank of `ranks` printed `line`.
void await_line_from_each(process& run, const std::string& line, int ranks) {
  std::set<int> seen;
  while (static_cast<int>(seen.size()) < ranks) {
    auto got = run.read_line(start_timeout, "'" + line + "' from every rank");
    for (int r = 0; r < ranks; ++r)
      if (got == "[" + std::to_string(r) + "] " + line)
        seen.insert(r);
  }
}

} // namespace

TEST_CASE("troupe-run -n 3 starts three ranks that join rank 0, each line prefixed by its rank",
          "[tools][troupe-run]") {
  // Rank 0 serves an adder to each joiner and ends once both are done.
  process run{TROUPE_RUN_EXE, {"-n", "3", TROUPE_TEST_NODE_EXE, "--clients", "2"}};
  auto code = run.wait(finish_timeout, "troupe-run -n 3 to finish");
  INFO("stdout:\n" << run.out() << "stderr:\n" << run.err());
  CHECK(code == 0);
  CHECK(run.err().empty());
  for (auto& line : lines_of(run.out()))
    CHECK_THAT(line, Catch::Matches(R"(\[[0-2]\] .+)"));
  auto rank0 = text_of_rank(run.out(), 0);
  CHECK_THAT(rank0, Catch::StartsWith("listening on 127.0.0.1:"));
  CHECK(value_of(rank0, "rank") == "0 of 3");
  CHECK_THAT(rank0, Catch::EndsWith("peer done\n"));
  std::set<std::string> adder_pids;
  for (int r : {1, 2}) {
    CAPTURE(r);
    auto text = text_of_rank(run.out(), r);
    // TROUPE_RANK and TROUPE_SIZE reached the node's config.
    CHECK(value_of(text, "rank") == std::to_string(r) + " of 3");
    CHECK(value_of(text, "sum") == "142");
    adder_pids.insert(value_of(text, "adder pid"));
  }
  // Both joiners' adders ran in the same process: rank 0's.
  CHECK(adder_pids.size() == 1);
  CHECK(adder_pids.count("") == 0);
}

TEST_CASE("troupe-run exits with the failing rank's code and ends the other ranks",
          "[tools][troupe-run]") {
  // Rank 0 waits for two joiners' adders; rank 1 exits 7 at once, so rank 0 would wait forever.
  process run{TROUPE_RUN_EXE,
              {"-n", "3", TROUPE_TEST_NODE_EXE, "--clients", "2", "--fail-rank", "1"}};
  auto code = run.wait(finish_timeout, "troupe-run to end the job after rank 1 failed");
  INFO("stdout:\n" << run.out() << "stderr:\n" << run.err());
  CHECK(code == 7);
  CHECK(lines_of(run.err()) ==
        std::vector<std::string>{"troupe-run: rank 1 exited with code 7; ending the other ranks"});
  CHECK(value_of(text_of_rank(run.out(), 1), "rank") == "1 of 3");
  CHECK_THAT(run.out(), !Catch::Contains("peer done"));
}

TEST_CASE("troupe-run kills a rank that ignores SIGTERM once the grace period is over",
          "[tools][troupe-run]") {
  // Not a troupe node: a shell that says it listens, ignores SIGTERM and idles; rank 1 fails.
  const std::string script = R"(trap '' TERM; echo "rank $TROUPE_RANK of $TROUPE_SIZE";
echo "listening on 127.0.0.1:9"; [ "$TROUPE_RANK" = 1 ] && exit 5; while :; do sleep 1; done)";
  process run{TROUPE_RUN_EXE, {"-n", "2", "--grace", "0.2", "/bin/sh", "-c", script, "sh"}};
  auto code = run.wait(finish_timeout, "troupe-run to kill rank 0 after the grace period");
  INFO("stdout:\n" << run.out() << "stderr:\n" << run.err());
  CHECK(code == 5);
  CHECK_THAT(run.err(), Catch::Contains("rank 1 exited with code 5; ending the other ranks"));
  CHECK_THAT(run.out(),
             Catch::Contains("[0] rank 0 of 2\n") && Catch::Contains("[1] rank 1 of 2\n"));
}

TEST_CASE("troupe-run passes SIGTERM and SIGINT on to every rank", "[tools][troupe-run]") {
  for (int sig : {SIGTERM, SIGINT}) {
    CAPTURE(sig);
    process run{TROUPE_RUN_EXE, {"-n", "3", TROUPE_TEST_NODE_EXE, "--wait-for-signal", "true"}};
    await_line_from_each(run, "waiting for a signal", 3);
    run.signal(sig);
    auto code = run.wait(finish_timeout, "troupe-run to end after the signal");
    INFO("stdout:\n" << run.out() << "stderr:\n" << run.err());
    CHECK(code == 0); // each rank handled the signal and exited 0
    auto got = sig == SIGTERM ? "got SIGTERM" : "got SIGINT";
    for (int r = 0; r < 3; ++r) {
      CAPTURE(r);
      CHECK_THAT(text_of_rank(run.out(), r), Catch::EndsWith(std::string{got} + "\n"));
    }
  }
}

TEST_CASE("troupe-run passes partial writes on as whole lines and ends an unterminated one",
          "[tools][troupe-run]") {
  process run{TROUPE_RUN_EXE,
              {"-n", "1", "/bin/sh", "-c",
               R"(printf 'one '; printf 'line\n'; printf 'err\n' >&2; printf 'no newline')", "sh"}};
  CHECK(run.wait(finish_timeout, "the shell to finish") == 0);
  CHECK(run.out() == "[0] one line\n[0] no newline\n");
  CHECK(run.err() == "[0] err\n");
}
