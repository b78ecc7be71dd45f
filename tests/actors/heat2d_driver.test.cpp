// examples/heat2d on the simulation driver, run as programs: tiles spread over two processes
// give the same bits as one process, a tile process that dies fails the run naming a tile, and
// progress goes to stderr only, in the mode --progress asks for.
#ifdef TROUPE_EXAMPLE_HEAT2D

#include <csignal>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <multinode/nodes.hpp>

using namespace std::chrono_literals;
using troupe::test::listener;
using troupe::test::process;
using troupe::test::value_of;

namespace {

std::vector<std::string> sized(std::vector<std::string> more) {
  std::vector<std::string> args{
      "--nx", "61", "--ny", "47", "--steps", "150", "--residual-every", "7", "--boundary-every",
      "5"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Runs heat2d alone and returns its stdout; the run must succeed.
std::string alone(std::vector<std::string> args) {
  process p{TROUPE_EXAMPLE_HEAT2D, std::move(args)};
  auto code = p.wait(120s, "heat2d to finish");
  INFO(p.describe() << "\nstdout:\n" << p.out() << "stderr:\n" << p.err());
  REQUIRE(code == 0);
  return p.out();
}

} // namespace

TEST_CASE("heat2d with tiles on two processes gives the same bits as on one",
          "[actors][heat2d][multinode]") {
  auto placement = GENERATE(as<std::string>{}, "block", "round-robin");
  auto layout = GENERATE(as<std::vector<std::string>>{},
                         std::vector<std::string>{"--tiles-x", "2", "--tiles-y", "2"},
                         std::vector<std::string>{"--tiles-x", "3", "--tiles-y", "2"});
  CAPTURE(placement, layout);
  auto args = sized(layout);
  args.insert(args.end(), {"--init", "hotspot", "--threads", "1", "--progress", "off"});
  auto reference = alone(args);
  REQUIRE(!value_of(reference, "checksum").empty());

  listener server{TROUPE_EXAMPLE_HEAT2D, {"--threads", "1"}};
  args.insert(args.end(), {"--join", server.address(), "--placement", placement});
  process client{TROUPE_EXAMPLE_HEAT2D, args};
  auto code = client.wait(120s, "the joined heat2d to finish");
  INFO("joiner stdout:\n" << client.out() << "joiner stderr:\n" << client.err());
  REQUIRE(code == 0);
  CHECK(value_of(client.out(), "checksum") == value_of(reference, "checksum"));
  CHECK(value_of(client.out(), "residual") == value_of(reference, "residual"));
  CHECK(value_of(client.out(), "steps") == "150");
  CHECK(value_of(client.out(), "tiles") == (layout[1] == "2"
                                                ? "2 on this node, 2 on 1 other node"
                                                : "3 on this node, 3 on 1 other node"));
  // The listener hosted tiles and ended with them.
  REQUIRE(server.proc.wait(60s, "the listening heat2d to end after its tiles") == 0);
}

TEST_CASE("heat2d fails naming the lost node and its tiles when the process hosting them dies",
          "[actors][heat2d][multinode]") {
  listener server{TROUPE_EXAMPLE_HEAT2D, {"--threads", "1"}};
  process client{TROUPE_EXAMPLE_HEAT2D,
                 {"--nx", "200", "--ny", "200", "--steps", "100000000", "--threads", "1",
                  "--progress", "off", "--join", server.address(),
                  "--middleman.heartbeat-interval=500ms", "--middleman.connection-timeout=2s"}};
  // The run is under way, tiles on both processes, when the listener is killed.
  auto placed = client.read_line(troupe::test::start_timeout, "the joiner's 'tiles:' line");
  REQUIRE(placed == "tiles: 2 on this node, 2 on 1 other node");
  server.proc.signal(SIGKILL);
  auto code = client.wait(60s, "the joiner to fail after losing half its tiles");
  INFO("joiner stdout:\n" << client.out() << "joiner stderr:\n" << client.err());
  CHECK(code == 1);
  // Whichever news comes first, the membership's or a tile's end, names the lost node.
  CHECK_THAT(client.err(),
             Catch::StartsWith("heat2d: driver: lost node " + server.address() + " (parts 2, 3)") ||
                 (Catch::StartsWith("heat2d: driver: part rank ") &&
                  Catch::Contains("on node " + server.address())));
}

TEST_CASE("heat2d shows progress on stderr only: lines, a bar with carriage returns, or nothing",
          "[actors][heat2d]") {
  auto run = [](const std::string& mode) {
    auto p = std::make_unique<process>(TROUPE_EXAMPLE_HEAT2D,
                                       sized({"--init", "sine", "--progress", mode}));
    auto code = p->wait(120s, "heat2d to finish");
    INFO(p->describe() << "\nstdout:\n" << p->out() << "stderr:\n" << p->err());
    REQUIRE(code == 0);
    return p;
  };
  auto off = run("off");
  CHECK(off->err().empty());
  auto lines = run("lines");
  CHECK_THAT(lines->err(), Catch::EndsWith("\n") && Catch::Contains("heat2d: step 150/150 (100%)"));
  CHECK(lines->err().find('\r') == std::string::npos);
  // Not a terminal here: auto shows lines.
  auto automatic = run("auto");
  CHECK_THAT(automatic->err(), Catch::Contains("heat2d: step 150/150 (100%)"));
  CHECK(automatic->err().find('\r') == std::string::npos);
  auto bar = run("bar");
  CHECK(bar->err().find('\r') != std::string::npos);
  CHECK_THAT(bar->err(), Catch::Contains("step 150/150"));
  for (auto* p : {off.get(), lines.get(), bar.get()}) {
    CHECK(p->out().find("step 150/150") == std::string::npos);
    CHECK(p->out().find('\r') == std::string::npos);
    CHECK(value_of(p->out(), "checksum") == value_of(off->out(), "checksum"));
  }
}

#endif
