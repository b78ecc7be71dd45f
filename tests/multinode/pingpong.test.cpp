// examples/pingpong across two real processes on 127.0.0.1.
#include <csignal>
#include <string>

#include "nodes.hpp"

using troupe::test::finish_timeout;
using troupe::test::listener;
using troupe::test::process;
using troupe::test::start_timeout;
using troupe::test::value_of;

TEST_CASE("pingpong plays its rounds against a ponger in another process and both exit 0",
          "[multinode][pingpong]") {
  listener server{TROUPE_PINGPONG_EXE};
  process client{TROUPE_PINGPONG_EXE, {"--join", server.address(), "--rounds", "1000"}};
  REQUIRE(client.wait(finish_timeout, "the joiner to play 1000 rounds") == 0);
  INFO("joiner stdout:\n" << client.out() << "joiner stderr:\n" << client.err());
  CHECK(value_of(client.out(), "rounds") == "1000");
  auto rate = value_of(client.out(), "msgs/s");
  REQUIRE_FALSE(rate.empty());
  CHECK(std::stod(rate) > 0);
  auto median = value_of(client.out(), "median round trip");
  REQUIRE_THAT(median, Catch::EndsWith(" us"));
  CHECK(std::stod(median) > 0);
  CHECK(client.err().empty());
  // The listener learns from the joiner that it is done, and ends by itself.
  REQUIRE(server.proc.wait(finish_timeout, "the listener to exit after its peer is done") == 0);
  CHECK(server.proc.out() == "listening on " + server.address() + "\nserving a peer\npeer done\n");
  CHECK(server.proc.err().empty());
}

TEST_CASE("pingpong --listen exits 0 when its peer's process dies mid-game",
          "[multinode][pingpong]") {
  listener server{TROUPE_PINGPONG_EXE};
  process client{TROUPE_PINGPONG_EXE, {"--join", server.address(), "--rounds", "1000000000"}};
  REQUIRE(server.proc.read_line(start_timeout, "the listener to start serving") ==
          "serving a peer");
  client.signal(SIGKILL);
  REQUIRE(client.wait(finish_timeout, "the killed joiner") == 128 + SIGKILL);
  REQUIRE(server.proc.wait(finish_timeout, "the listener to notice that its peer died") == 0);
  CHECK_THAT(server.proc.out(), Catch::Contains("peer gone"));
}

TEST_CASE("pingpong --listen exits 0 when its peer freezes mid-game", "[multinode][pingpong]") {
  // A stopped process keeps its connection open but sends nothing: only the heartbeat
  // (middleman.heartbeat-interval / connection-timeout, set by pingpong) can tell.
  listener server{TROUPE_PINGPONG_EXE};
  process client{TROUPE_PINGPONG_EXE, {"--join", server.address(), "--rounds", "1000000000"}};
  REQUIRE(server.proc.read_line(start_timeout, "the listener to start serving") ==
          "serving a peer");
  client.signal(SIGSTOP);
  REQUIRE(server.proc.wait(finish_timeout, "the listener to notice that its peer froze") == 0);
  CHECK_THAT(server.proc.out(), Catch::Contains("peer gone"));
  // The frozen joiner is killed and reaped by its destructor.
}

TEST_CASE("pingpong --join fails with one line when the listener dies mid-game",
          "[multinode][pingpong]") {
  listener server{TROUPE_PINGPONG_EXE};
  process client{TROUPE_PINGPONG_EXE, {"--join", server.address(), "--rounds", "1000000000"}};
  REQUIRE(server.proc.read_line(start_timeout, "the listener to start serving") ==
          "serving a peer");
  server.proc.signal(SIGKILL);
  REQUIRE(client.wait(finish_timeout, "the joiner to notice that the listener died") == 1);
  INFO("joiner stderr: " << client.err());
  auto lines = troupe::test::lines_of(client.err());
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::StartsWith("pingpong: the ponger ended before the game did"));
}

TEST_CASE("pingpong --listen gives up after --serve-timeout when no peer comes",
          "[multinode][pingpong]") {
  listener server{TROUPE_PINGPONG_EXE, {"--serve-timeout", "0.5"}};
  REQUIRE(server.proc.wait(finish_timeout, "the listener to give up waiting") == 1);
  INFO("listener stderr: " << server.proc.err());
  auto lines = troupe::test::lines_of(server.proc.err());
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::StartsWith("pingpong: --serve-timeout: no peer"));
}
