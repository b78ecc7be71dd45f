// examples/pricer run as a program: the same printed bits on any thread count, with a worker
// that crashes mid-run, and with workers in a second process (one of which crashes there);
// bad input refused with one line naming the flag and exit 2.
#ifdef TROUPE_EXAMPLE_PRICER

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <multinode/nodes.hpp>

using namespace std::chrono_literals;
using troupe::test::listener;
using troupe::test::process;
using troupe::test::value_of;

namespace {

std::vector<std::string> asian(std::vector<std::string> more) {
  std::vector<std::string> args{"--option",      "asian-call", "--paths",    "150000",
                                "--chunk-paths", "4096",       "--progress", "off"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The run's "price" and "std error" lines (their full 17 digits), after checking it succeeded
// and redid `redone` chunks.
std::string result_of(std::vector<std::string> args, const std::string& redone = "0",
                      const std::string& or_redone = "0") {
  process p{TROUPE_EXAMPLE_PRICER, std::move(args)};
  auto code = p.wait(120s, "pricer to finish");
  INFO(p.describe() << "\nstdout:\n" << p.out() << "stderr:\n" << p.err());
  REQUIRE(code == 0);
  auto price = value_of(p.out(), "price");
  REQUIRE(!price.empty());
  auto again = value_of(p.out(), "chunks redone");
  CHECK((again == redone || again == or_redone));
  return price + " ± " + value_of(p.out(), "std error");
}

} // namespace

TEST_CASE("pricer prints the same bits on 1, 2 and 4 threads and when a worker crashes",
          "[actors][pricer]") {
  auto reference = result_of(asian({"--threads", "1"}));
  CHECK(result_of(asian({"--threads", "2"})) == reference);
  CHECK(result_of(asian({"--threads", "4"})) == reference);
  CHECK(result_of(asian({"--threads", "2", "--crash-chunk", "5"}), "1") == reference);
  // Another seed gives another estimate: the comparison can fail.
  CHECK(result_of(asian({"--threads", "2", "--seed", "7"})) != reference);
}

TEST_CASE("pricer with workers in a second process prints the same bits, also when one of "
          "them crashes there",
          "[actors][pricer][multinode]") {
  auto reference = result_of(asian({"--threads", "2"}));
  // The listener's worker throws on the first chunk it computes, if it computes one before
  // the workers here have done them all (not certain: tests/multinode/farm.test.cpp kills
  // remote workers that certainly hold tasks).
  listener server{TROUPE_EXAMPLE_PRICER, {"--threads", "1", "--crash-chunk", "-2"}};
  CHECK(result_of(asian({"--threads", "2", "--join", server.address()}), "0", "1") == reference);
  REQUIRE(server.proc.wait(60s, "the listening pricer to end after its workers") == 0);
}

TEST_CASE("pricer's European price lies within 4 standard errors of Black-Scholes",
          "[actors][pricer]") {
  process p{TROUPE_EXAMPLE_PRICER,
            {"--option", "european-put", "--paths", "400000", "--progress", "off"}};
  REQUIRE(p.wait(120s, "pricer to finish") == 0);
  auto distance = std::stod(value_of(p.out(), "distance"));
  CHECK(std::abs(distance) < 4);
  CHECK_THAT(p.out(), Catch::Contains("black-scholes: 5.57352602"));
}

TEST_CASE("pricer refuses bad input with one line naming the flag and exit code 2",
          "[actors][pricer]") {
  auto [args, expected] = GENERATE(table<std::vector<std::string>, std::string>({
      {{"--sigma", "-0.2"}, "pricer: --sigma must be zero or more (got -0.2)"},
      {{"--maturity", "-1"}, "--maturity"},
      {{"--paths", "0"}, "pricer: --paths must be at least 1 (got 0)"},
      {{"--option", "bermudan-call"},
       "pricer: --option must be european-call, european-put or asian-call (got "
       "'bermudan-call')"},
  }));
  CAPTURE(args);
  process p{TROUPE_EXAMPLE_PRICER, args};
  CHECK(p.wait(60s, "pricer to refuse") == 2);
  CHECK(p.out().empty());
  CHECK(std::count(p.err().begin(), p.err().end(), '\n') == 1);
  CHECK_THAT(p.err(), Catch::StartsWith("pricer: ") && Catch::Contains(expected));
}

#endif
