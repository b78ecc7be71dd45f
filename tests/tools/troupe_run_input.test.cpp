// troupe-run given bad input, or a PROGRAM that is no troupe node: one line, a clear exit code.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include <multinode/nodes.hpp>

using troupe::test::finish_timeout;
using troupe::test::lines_of;
using troupe::test::process;

namespace {

// Runs troupe-run with `args`; expects exit code `expected` and one line on stderr; returns it.
std::string single_error_line(std::vector<std::string> args, int expected = 2) {
  process run{TROUPE_RUN_EXE, std::move(args)};
  auto code = run.wait(finish_timeout, "troupe-run to refuse its input");
  INFO("command: " << run.describe() << "\nstdout:\n" << run.out() << "stderr:\n" << run.err());
  CHECK(code == expected);
  CHECK(run.out().empty());
  auto lines = lines_of(run.err());
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::StartsWith("troupe-run: "));
  return lines[0];
}

// A file in the temporary folder with `text` and `mode`, removed at the end of the test.
struct temp_file {
  temp_file(const std::string& text, mode_t mode) {
    char name[] = "/tmp/troupe-run-test-XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    path = name;
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);
    REQUIRE(::chmod(name, mode) == 0);
  }
  ~temp_file() {
    std::remove(path.c_str());
  }
  std::string path;
};

} // namespace

TEST_CASE("troupe-run refuses a missing or bad -n with one line naming -n", "[tools][troupe-run]") {
  CHECK_THAT(single_error_line({"-n", "0", TROUPE_TEST_NODE_EXE}),
             Catch::Contains("-n must be a whole number of processes from 1 to 1024 (got '0')"));
  CHECK_THAT(single_error_line({"-n", "three", TROUPE_TEST_NODE_EXE}),
             Catch::Contains("-n must be") && Catch::Contains("(got 'three')"));
  CHECK_THAT(single_error_line({"-n5000", TROUPE_TEST_NODE_EXE}), Catch::Contains("(got '5000')"));
  CHECK_THAT(single_error_line({"-n"}),
             Catch::Contains("-n must be") && Catch::Contains("nothing"));
  CHECK_THAT(single_error_line({TROUPE_TEST_NODE_EXE}),
             Catch::Contains("-n is missing") && Catch::Contains("troupe-run -n 3 PROGRAM"));
}

TEST_CASE("troupe-run refuses a missing PROGRAM, an unknown option or a bad --grace",
          "[tools][troupe-run]") {
  CHECK_THAT(single_error_line({"-n", "2"}), Catch::Contains("PROGRAM is missing"));
  CHECK_THAT(single_error_line({"-n", "2", "--bogus", TROUPE_TEST_NODE_EXE}),
             Catch::Contains("unknown option '--bogus' before PROGRAM"));
  CHECK_THAT(single_error_line({"-n", "2", "--grace", "-1", TROUPE_TEST_NODE_EXE}),
             Catch::Contains("--grace must be") && Catch::Contains("(got '-1')"));
}

TEST_CASE("troupe-run refuses a PROGRAM that is not found or not executable, naming it",
          "[tools][troupe-run]") {
  CHECK_THAT(single_error_line({"-n", "2", "no-such-troupe-program"}),
             Catch::Contains("PROGRAM 'no-such-troupe-program' is not found in PATH") &&
                 Catch::Contains("give its path"));
  CHECK_THAT(single_error_line({"-n", "2", "./no/such/program"}),
             Catch::Contains("PROGRAM './no/such/program' does not exist"));
  temp_file plain{"not a program\n", 0644};
  CHECK_THAT(single_error_line({"-n", "2", plain.path}),
             Catch::Contains("PROGRAM '" + plain.path + "' is not executable"));
  CHECK_THAT(single_error_line({"-n", "2", "/tmp"}), Catch::Contains("'/tmp' is a directory"));
  // Executable, but no program the kernel can run: exec fails in the child.
  temp_file garbage{std::string(64, '\x01'), 0755};
  CHECK_THAT(single_error_line({"-n", "2", garbage.path}),
             Catch::Contains("PROGRAM '" + garbage.path + "' cannot be started (rank 0): ") &&
                 Catch::Contains("Exec format error"));
}

TEST_CASE("troupe-run says so in one line when rank 0 ends before it listens",
          "[tools][troupe-run]") {
  CHECK_THAT(single_error_line({"-n", "2", "/bin/true"}, 1),
             Catch::Contains("rank 0 (/bin/true) exited with code 0 before printing 'listening "
                             "on HOST:PORT'; PROGRAM must be a troupe program"));
  CHECK_THAT(single_error_line({"-n", "2", "/bin/sh", "-c", "exit 4"}, 4),
             Catch::Contains("rank 0 (/bin/sh) exited with code 4 before printing"));
}

TEST_CASE("troupe-run --help prints its usage and exits 0", "[tools][troupe-run]") {
  process run{TROUPE_RUN_EXE, {"--help"}};
  CHECK(run.wait(finish_timeout, "troupe-run --help") == 0);
  CHECK_THAT(run.out(), Catch::StartsWith("usage: troupe-run -n N") &&
                            Catch::Contains("TROUPE_RANK") && Catch::Contains("--grace"));
  CHECK(run.err().empty());
}

TEST_CASE("troupe-run refuses a bad --respawn, and --respawn without the program's "
          "--checkpoint-dir, with one line",
          "[tools][troupe-run]") {
  CHECK_THAT(single_error_line({"--respawn", "lots", "-n", "2", TROUPE_TEST_NODE_EXE}),
             Catch::Contains("--respawn must be a whole number of relaunches from 0 to 1000 "
                             "(got 'lots')"));
  CHECK_THAT(single_error_line({"--respawn=-1", "-n", "2", TROUPE_TEST_NODE_EXE}),
             Catch::Contains("(got '-1')"));
  CHECK_THAT(
      single_error_line({"--respawn", "2", "-n", "2", TROUPE_TEST_NODE_EXE, "--threads", "1"}),
      Catch::Contains("--respawn needs PROGRAM's --checkpoint-dir DIR among ARGS"));
}
