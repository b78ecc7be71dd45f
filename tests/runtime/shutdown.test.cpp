// Node shutdown with something still running, in a child process (tests/runtime/programs/
// shutdown_main.cpp): it must end within --shutdown-timeout plus slack, name on stderr what
// was still running, and then end the process (exit code 3) rather than hang.
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <support/process.hpp>

using namespace std::chrono_literals;
using troupe::test::process;

namespace {

// --shutdown-timeout 1 gives up after 1 s; the rest is slack for a loaded machine (two cores
// shared by parallel tests). The shutdown it replaced hung for ever in each case below.
constexpr auto bound = 1s + 14s;

std::vector<std::string> args(const std::string& straggler, const std::string& timeout = "1") {
  return {"--threads", "2", "--straggler", straggler, "--shutdown-timeout", timeout};
}

void await_ready(process& p) {
  REQUIRE(p.read_line(20s, "the straggler to be in place") == "ready");
}

} // namespace

TEST_CASE("shutdown ends suspended troupe actors at once and says nothing", "[runtime][shutdown]") {
  process p{TROUPE_TEST_SHUTDOWN_EXE, args("none", "60")};
  await_ready(p);
  REQUIRE(p.wait(bound, "the node to end") == 0);
  CHECK(p.out() == "ready\nshutdown returned\n");
  CHECK(p.err().empty());
}

TEST_CASE("shutdown asks actors spawned by dying ones to end too", "[runtime][shutdown]") {
  // With a timeout of 60 s, only asking the late child to end lets the node end in the bound.
  process p{TROUPE_TEST_SHUTDOWN_EXE, args("spawn-on-exit", "60")};
  await_ready(p);
  REQUIRE(p.wait(bound, "the node to end after the late child") == 0);
  CHECK(p.out() == "ready\nshutdown returned\n");
  CHECK(p.err().empty());
}

TEST_CASE("shutdown gives up on a CAF actor that never ends, names it, and ends the process",
          "[runtime][shutdown]") {
  process p{TROUPE_TEST_SHUTDOWN_EXE, args("caf-actor")};
  await_ready(p);
  REQUIRE(p.wait(bound, "the node to give up on the CAF actor") == 3);
  CHECK(p.out() == "ready\n");
  CHECK(p.err() == "shutdown_main: shutdown: gave up waiting for actors after 1 s "
                   "(--shutdown-timeout); still running:\n"
                   "shutdown_main:   1 CAF actor not made by troupe (ignoring exit messages, or "
                   "nothing asked it to end)\n"
                   "shutdown_main: shutdown: ending the process with exit code 3 rather than hang "
                   "(an actor system cannot end while its actors run)\n");
}

TEST_CASE("shutdown gives up on a detached CAF actor that never ends", "[runtime][shutdown]") {
  process p{TROUPE_TEST_SHUTDOWN_EXE, args("detached-actor")};
  await_ready(p);
  REQUIRE(p.wait(bound, "the node to give up on the detached actor") == 3);
  CHECK(p.out() == "ready\n");
  CHECK_THAT(p.err(), Catch::Contains("shutdown_main:   1 CAF actor not made by troupe"));
  CHECK_THAT(p.err(), Catch::Contains("ending the process with exit code 3"));
}

TEST_CASE("shutdown names a kernel whose chunks never return and ends the process",
          "[runtime][shutdown]") {
  process p{TROUPE_TEST_SHUTDOWN_EXE, args("kernel")};
  await_ready(p);
  REQUIRE(p.wait(bound, "the node to give up on the kernel") == 3);
  CHECK(p.out() == "ready\n");
  CHECK_THAT(p.err(), Catch::Contains("shutdown_main:   troupe actor 'spinner' (id "));
  CHECK_THAT(p.err(), Catch::Contains("awaiting kernel 'spin' (0 of 2 chunks done)"));
  CHECK_THAT(p.err(), Catch::Contains("shutdown_main:   kernels still running: kernel 'spin' "
                                      "(0 of 2 chunks done)\n"));
  CHECK_THAT(p.err(), Catch::Contains("ending the process with exit code 3"));
}
