// Process-level behaviour of troupe programs (hello, pingpong) given bad options, --help, or a
// peer that is not there: one clear line on stderr, a non-zero exit, never a hang.
#include <string>
#include <vector>

#include "nodes.hpp"

using troupe::test::finish_timeout;
using troupe::test::held_port;
using troupe::test::lines_of;
using troupe::test::listener;
using troupe::test::process;

namespace {

struct program {
  const char* name;
  const char* exe;
};

const std::vector<program> programs{{"hello", TROUPE_HELLO_EXE}, {"pingpong", TROUPE_PINGPONG_EXE}};

// Runs `exe args...`, expects a non-zero exit and exactly one line on stderr; returns it.
std::string single_error_line(const program& p, std::vector<std::string> args) {
  process proc{p.exe, std::move(args)};
  auto code = proc.wait(finish_timeout, "the program to reject its options");
  INFO("command: " << proc.describe() << "\nstdout:\n" << proc.out() << "stderr:\n" << proc.err());
  CHECK(code != 0);
  CHECK(code < 128); // an exit, not a crash (abort, segfault)
  auto lines = lines_of(proc.err());
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::StartsWith(std::string{p.name} + ": "));
  CHECK_THAT(proc.err(), !Catch::Contains("terminate called") && !Catch::Contains("what():"));
  return lines[0];
}

} // namespace

TEST_CASE("a troupe program rejects an unknown flag with one line naming it",
          "[multinode][options]") {
  for (auto& p : programs) {
    CAPTURE(p.name);
    CHECK_THAT(single_error_line(p, {"--bogus", "1"}), Catch::Contains("--bogus"));
    CHECK_THAT(single_error_line(p, {"--bogus"}), Catch::Contains("--bogus"));
  }
}

TEST_CASE("a troupe program rejects --threads 0 with one line naming the flag",
          "[multinode][options]") {
  for (auto& p : programs) {
    CAPTURE(p.name);
    CHECK_THAT(single_error_line(p, {"--threads", "0"}),
               Catch::Contains("--threads must be") && Catch::Contains("'0'"));
  }
}

TEST_CASE("a troupe program rejects a bad HOST:PORT with one line naming the flag",
          "[multinode][options]") {
  for (auto& p : programs) {
    CAPTURE(p.name);
    CHECK_THAT(single_error_line(p, {"--listen", "nohost"}),
               Catch::Contains("--listen must be HOST:PORT") && Catch::Contains("'nohost'"));
    CHECK_THAT(single_error_line(p, {"--listen", "1.2.3.4:99999"}),
               Catch::Contains("--listen must be HOST:PORT") && Catch::Contains("'1.2.3.4:99999'"));
    CHECK_THAT(single_error_line(p, {"--join=127.0.0.1:"}),
               Catch::Contains("--join must be HOST:PORT"));
  }
}

TEST_CASE("a troupe program told to listen on a port in use says so in one line",
          "[multinode][options]") {
  // The first node holds the port (pingpong --listen waits for a peer that never comes).
  listener first{TROUPE_PINGPONG_EXE};
  for (auto& p : programs) {
    CAPTURE(p.name);
    auto line = single_error_line(p, {"--listen", first.address()});
    CHECK_THAT(line, Catch::Contains("--listen " + first.address()) && Catch::Contains("in use"));
  }
}

TEST_CASE("a troupe program told to listen on a foreign address says so in one line",
          "[multinode][options]") {
  for (auto& p : programs) {
    CAPTURE(p.name);
    // TEST-NET-1 (RFC 5737) is never a local address; --insecure: not the TLS rule's refusal.
    auto line = single_error_line(p, {"--listen", "192.0.2.1:0", "--insecure"});
    CHECK_THAT(line, Catch::Contains("--listen 192.0.2.1:0"));
  }
}

TEST_CASE("a troupe program rejects a --config file it cannot read, in one line",
          "[multinode][options]") {
  for (auto& p : programs) {
    CAPTURE(p.name);
    CHECK_THAT(single_error_line(p, {"--config", "/nonexistent/troupe.ini"}),
               Catch::Contains("/nonexistent/troupe.ini"));
  }
}

TEST_CASE("a troupe program answers --help on stdout, listing its options, and exits 0",
          "[multinode][options]") {
  struct row {
    program p;
    const char* own_option;
  };
  for (auto& [p, own] : std::vector<row>{{programs[0], "--who"}, {programs[1], "--rounds"}}) {
    CAPTURE(p.name);
    process proc{p.exe, {"--help"}};
    REQUIRE(proc.wait(finish_timeout, "--help to print and exit") == 0);
    CHECK(proc.err().empty());
    CHECK_THAT(proc.out(), Catch::StartsWith(std::string{"usage: "} + p.name + " [options]"));
    for (auto opt :
         {"--threads", "--listen", "--join", "--join-timeout", "--config", "--help", own})
      CHECK_THAT(proc.out(), Catch::Contains(std::string{"\n  "} + opt + " "));
  }
}

TEST_CASE("pingpong --join of a closed port exits 1 with one line naming the address",
          "[multinode][options]") {
  held_port closed{held_port::refuse};
  auto line = single_error_line(programs[1], {"--join", closed.address(), "--join-timeout", "1"});
  CHECK_THAT(line, Catch::StartsWith("pingpong: --join " + closed.address() +
                                     ": no node answered within 1 s"));
}

TEST_CASE("a troupe program gives up --join within its timeout when the peer never answers",
          "[multinode][options]") {
  // The port accepts connections but nobody speaks CAF's handshake there. hello sets no
  // connection timeout of its own: the join deadline alone must end the wait.
  for (auto& p : programs) {
    CAPTURE(p.name);
    held_port silent{held_port::accept_silently}; // each program its own, unfilled queue
    auto line = single_error_line(p, {"--join", silent.address(), "--join-timeout", "1"});
    CHECK_THAT(line, Catch::Contains("--join " + silent.address()));
  }
}

TEST_CASE("a troupe program gives up --join within its timeout when the peer's accept queue is "
          "full",
          "[multinode][options]") {
  // The kernel drops the SYNs and retries them for about two minutes: a blocking connect()
  // (CAF's) outlives the join timeout and holds up the node's shutdown. finish_timeout (60 s)
  // ends the wait with a failure if the program is stuck there.
  for (auto& p : programs) {
    CAPTURE(p.name);
    held_port full{held_port::full_queue};
    auto line = single_error_line(p, {"--join", full.address(), "--join-timeout", "1"});
    CHECK_THAT(line, Catch::Contains("--join " + full.address()) &&
                         Catch::Contains("accept queue is full"));
  }
}
