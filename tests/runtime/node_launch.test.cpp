// A node's place in a job from its environment: TROUPE_RANK/TROUPE_SIZE (troupe-run) and
// Slurm's variables, read from a table instead of the process's environment.
#include <map>
#include <string>

#include "internal/node_launch.hpp"

#include <catch2/catch.hpp>

using troupe::detail::apply_launch_environment;
using troupe::detail::slurm_default_port;

namespace {

using table = std::map<std::string, std::string>;

troupe::result<void> apply_env(troupe::node_config& cfg, const table& vars) {
  return apply_launch_environment(cfg, [&vars](const char* name) -> const char* {
    auto i = vars.find(name);
    return i == vars.end() ? nullptr : i->second.c_str();
  });
}

std::string error_of(const table& vars, troupe::node_config cfg = troupe::node_config{}) {
  auto r = apply_env(cfg, vars);
  REQUIRE_FALSE(r);
  CHECK(r.error() == troupe::errc::bad_option);
  return r.error().message();
}

const table slurm{{"SLURM_PROCID", "0"},
                  {"SLURM_NTASKS", "3"},
                  {"SLURM_STEP_NODELIST", "node[07-09]-ib"},
                  {"SLURM_JOB_ID", "4242"},
                  {"SLURM_STEP_ID", "3"}};

table with(table t, const std::string& key, const std::string& value) {
  t[key] = value;
  return t;
}

} // namespace

TEST_CASE("a node started alone is rank 0 of 1", "[runtime][job]") {
  troupe::node_config cfg;
  REQUIRE(apply_env(cfg, {}));
  CHECK(cfg.rank == 0);
  CHECK(cfg.size == 1);
  CHECK_FALSE(cfg.listen);
  CHECK_FALSE(cfg.join);
}

TEST_CASE("a node takes its rank and size from TROUPE_RANK and TROUPE_SIZE", "[runtime][job]") {
  troupe::node_config cfg;
  REQUIRE(apply_env(cfg, {{"TROUPE_RANK", "2"}, {"TROUPE_SIZE", "5"}}));
  CHECK(cfg.rank == 2);
  CHECK(cfg.size == 5);
  CHECK_FALSE(cfg.listen);
}

TEST_CASE("a node refuses a TROUPE_RANK or TROUPE_SIZE that is not a whole number or out of "
          "range, naming the variable",
          "[runtime][job]") {
  CHECK_THAT(error_of({{"TROUPE_RANK", "x"}, {"TROUPE_SIZE", "2"}}),
             Catch::StartsWith("TROUPE_RANK must be a whole number (got 'x')"));
  CHECK_THAT(error_of({{"TROUPE_RANK", "-1"}, {"TROUPE_SIZE", "2"}}),
             Catch::Contains("TROUPE_RANK must be a whole number (got '-1')"));
  CHECK_THAT(error_of({{"TROUPE_RANK", "0"}, {"TROUPE_SIZE", "0"}}),
             Catch::StartsWith("TROUPE_SIZE must be a positive whole number (got '0')"));
  CHECK_THAT(error_of({{"TROUPE_RANK", "1"}, {"TROUPE_SIZE", "3 "}}),
             Catch::Contains("TROUPE_SIZE") && Catch::Contains("'3 '"));
  CHECK_THAT(error_of({{"TROUPE_RANK", "3"}, {"TROUPE_SIZE", "3"}}),
             Catch::StartsWith("TROUPE_RANK must be below TROUPE_SIZE (got 3 and 3)"));
  CHECK_THAT(error_of({{"TROUPE_RANK", "1"}}),
             Catch::Contains("TROUPE_RANK must be below TROUPE_SIZE (got 1 and unset, so 1)"));
}

TEST_CASE("a node under Slurm: rank 0 listens on the step's first host, the others join it",
          "[runtime][job]") {
  troupe::node_config first;
  REQUIRE(apply_env(first, slurm));
  CHECK(first.rank == 0);
  CHECK(first.size == 3);
  REQUIRE(first.listen);
  CHECK(*first.listen == troupe::endpoint{"node07-ib", slurm_default_port(4242, 3)});
  CHECK_FALSE(first.join);

  troupe::node_config second;
  REQUIRE(apply_env(second, with(slurm, "SLURM_PROCID", "2")));
  CHECK(second.rank == 2);
  CHECK(second.size == 3);
  CHECK_FALSE(second.listen);
  REQUIRE(second.join);
  CHECK(*second.join == *first.listen);
}

TEST_CASE("a node under Slurm uses --slurm-port when given", "[runtime][job]") {
  troupe::node_config cfg;
  cfg.slurm_port = 23456;
  REQUIRE(apply_env(cfg, with(slurm, "SLURM_JOB_ID", "not a number")));
  REQUIRE(cfg.listen);
  CHECK(cfg.listen->port == 23456);
}

TEST_CASE("a node under Slurm leaves --listen, --join and --slurm false alone", "[runtime][job]") {
  troupe::node_config listening;
  listening.listen = troupe::endpoint{"127.0.0.1", 0};
  REQUIRE(apply_env(listening, with(slurm, "SLURM_PROCID", "1")));
  CHECK(*listening.listen == troupe::endpoint{"127.0.0.1", 0});
  CHECK_FALSE(listening.join);
  CHECK(listening.rank == 0); // Slurm's rank goes with Slurm's wiring

  troupe::node_config off;
  off.slurm = false;
  REQUIRE(apply_env(off, with(slurm, "SLURM_STEP_NODELIST", "node[01-")));
  CHECK_FALSE(off.listen);
  CHECK_FALSE(off.join);
}

TEST_CASE("a node needs all three of SLURM_PROCID, SLURM_NTASKS and SLURM_STEP_NODELIST",
          "[runtime][job]") {
  for (auto* missing : {"SLURM_PROCID", "SLURM_NTASKS", "SLURM_STEP_NODELIST"}) {
    CAPTURE(missing);
    auto vars = slurm;
    vars.erase(missing);
    troupe::node_config cfg;
    REQUIRE(apply_env(cfg, vars));
    CHECK_FALSE(cfg.listen);
    CHECK_FALSE(cfg.join);
  }
}

TEST_CASE("a node under Slurm refuses a nodelist that does not parse, naming the variable and "
          "the text",
          "[runtime][job]") {
  for (auto* bad : {"node[01-", "node[3-1]", "node[a-b]", "", "[]"}) {
    CAPTURE(bad);
    auto line = error_of(with(slurm, "SLURM_STEP_NODELIST", bad));
    CHECK_THAT(line, Catch::StartsWith("SLURM_STEP_NODELIST '" + std::string{bad} +
                                       "' is not a Slurm hostlist: "));
    CHECK_THAT(line, Catch::Contains("node[01-04,07]") && Catch::Contains("--slurm false"));
    CHECK(line.find('\n') == std::string::npos);
  }
}

TEST_CASE("a node under Slurm refuses bad SLURM_PROCID, SLURM_NTASKS or SLURM_JOB_ID values",
          "[runtime][job]") {
  CHECK_THAT(error_of(with(slurm, "SLURM_PROCID", "3")),
             Catch::StartsWith("SLURM_PROCID must be below SLURM_NTASKS (got 3 and 3)"));
  CHECK_THAT(error_of(with(slurm, "SLURM_NTASKS", "many")),
             Catch::StartsWith("SLURM_NTASKS must be a positive whole number (got 'many')"));
  CHECK_THAT(error_of(with(slurm, "SLURM_JOB_ID", "")),
             Catch::StartsWith("SLURM_JOB_ID must be a whole number") &&
                 Catch::Contains("--slurm-port"));
  auto no_job = slurm;
  no_job.erase("SLURM_JOB_ID");
  CHECK_THAT(error_of(no_job), Catch::Contains("(got nothing)"));
}

TEST_CASE("the default Slurm port follows the documented formula and stays below the "
          "ephemeral ports",
          "[runtime][job]") {
  CHECK(slurm_default_port(0, 0) == 10000);
  CHECK(slurm_default_port(4242, 3) == 10000 + 10 * 242 + 3);
  CHECK(slurm_default_port(1999, 9) == 29999);
  CHECK(slurm_default_port(2000, 10) == 10000);
  // The batch step's id is 4294967294 (SLURM_BATCH_SCRIPT).
  CHECK(slurm_default_port(123456789, 4294967294) == 10000 + 10 * 789 + 4);
  CHECK(slurm_default_port(41, 0) != slurm_default_port(42, 0));
  CHECK(slurm_default_port(42, 0) != slurm_default_port(42, 1));
}

TEST_CASE("parse_args takes --slurm and --slurm-port and refuses a port out of range",
          "[runtime][job]") {
  troupe::node_config cfg;
  const char* argv[] = {"prog", "--slurm", "false", "--slurm-port=23456"};
  REQUIRE(cfg.parse_args(4, argv));
  CHECK_FALSE(cfg.slurm);
  CHECK(cfg.slurm_port == std::optional<std::uint16_t>{23456});
  for (const char* bad : {"0", "65536", "x", "-1"}) {
    CAPTURE(bad);
    troupe::node_config again;
    const char* args[] = {"prog", "--slurm-port", bad};
    auto r = again.parse_args(3, args);
    REQUIRE_FALSE(r);
    CHECK(r.error().message() ==
          "--slurm-port must be a port number from 1 to 65535 (got '" + std::string{bad} + "')");
  }
}
