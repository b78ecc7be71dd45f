// examples/heat2d run as a program: the same final bits on any thread count and tile layout,
// the residual's bits on any thread count, and one line naming the flag for bad input.
#ifdef TROUPE_EXAMPLE_HEAT2D

#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <support/process.hpp>

using namespace std::chrono_literals;

namespace {

// The "key: value" lines heat2d printed, after a run that must succeed.
std::map<std::string, std::string> run_heat2d(std::vector<std::string> args) {
  troupe::test::process p{TROUPE_EXAMPLE_HEAT2D, std::move(args)};
  auto code = p.wait(120s, "heat2d to finish");
  INFO(p.describe() << "\nstdout:\n" << p.out() << "stderr:\n" << p.err());
  REQUIRE(code == 0);
  std::map<std::string, std::string> found;
  std::string::size_type pos = 0;
  auto& out = p.out();
  while (pos < out.size()) {
    auto nl = out.find('\n', pos);
    auto line = out.substr(pos, nl - pos);
    if (auto colon = line.find(": "); colon != std::string::npos)
      found[line.substr(0, colon)] = line.substr(colon + 2);
    pos = nl == std::string::npos ? out.size() : nl + 1;
  }
  return found;
}

std::vector<std::string> sized(std::vector<std::string> more) {
  std::vector<std::string> args{"--nx", "61",    "--ny", "47", "--steps", "150", "--residual-every",
                                "7",    "--init"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

} // namespace

TEST_CASE("heat2d gives the same final field bits for 1, 2 and 4 threads and tile layouts 1x1, "
          "2x2 and 3x2",
          "[actors][heat2d]") {
  auto init = GENERATE(as<std::string>{}, "sine", "hotspot");
  CAPTURE(init);
  auto reference = run_heat2d(sized({init, "--threads", "1", "--tiles-x", "2", "--tiles-y", "2"}));
  REQUIRE(reference.count("checksum") == 1);
  CHECK(reference["steps"] == "150");
  for (std::string threads : {"1", "2", "4"})
    for (auto [tx, ty] : {std::pair{"1", "1"}, {"2", "2"}, {"3", "2"}}) {
      CAPTURE(threads, tx, ty);
      auto got = run_heat2d(sized({init, "--threads", threads, "--tiles-x", tx, "--tiles-y", ty}));
      CHECK(got["checksum"] == reference["checksum"]);
      // The residual is combined over the tiles in rank order: its bits may change with the
      // layout, never with the thread count.
      if (std::string{tx} == "2" && std::string{ty} == "2")
        CHECK(got["residual"] == reference["residual"]);
    }
}

TEST_CASE("heat2d with --init sine matches the scheme's exact solution to rounding",
          "[actors][heat2d]") {
  auto got = run_heat2d(sized({"sine", "--tiles-x", "3", "--tiles-y", "2"}));
  REQUIRE(got.count("max error vs discrete exact") == 1);
  CHECK(std::stod(got["max error vs discrete exact"]) < 1e-12);
}

TEST_CASE("heat2d refuses bad input with one line naming the flag and exit code 2",
          "[actors][heat2d]") {
  auto [args, expected] = GENERATE(table<std::vector<std::string>, std::string>({
      {{"--nx", "0"}, "--nx and --ny must be positive (got 0 and 256)"},
      {{"--tiles-y", "-1"}, "--tiles-x and --tiles-y must be positive"},
      {{"--nx", "4", "--tiles-x", "5"}, "more tiles than cells: --tiles-x 5"},
      {{"--dt", "0.01"}, "--dt 0.01 is unstable"},
      {{"--init", "square"}, "--init must be sine, gaussian or hotspot (got 'square')"},
      {{"--steps", "-3"}, "--steps must be at least 0"},
      {{"--nx", "1.5"}, "--nx"},
      {{"--progress", "fancy"}, "--progress must be auto, bar, lines or off (got 'fancy')"},
      {{"--placement", "scatter"}, "--placement must be round-robin or block (got 'scatter')"},
      {{"--boundary-every", "0"}, "--boundary-every must be positive (got 0)"},
      {{"--out", "/proc/heat2d-out"}, "/proc/heat2d-out"},
  }));
  CAPTURE(args);
  troupe::test::process p{TROUPE_EXAMPLE_HEAT2D, args};
  auto code = p.wait(60s, "heat2d to reject its input");
  INFO("stdout:\n" << p.out() << "stderr:\n" << p.err());
  CHECK(code == 2);
  CHECK(p.out().empty());
  CHECK(std::count(p.err().begin(), p.err().end(), '\n') == 1);
  CHECK_THAT(p.err(), Catch::StartsWith("heat2d: ") && Catch::Contains(expected));
}

#endif
