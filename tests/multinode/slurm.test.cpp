// Troupe nodes under Slurm, without Slurm: processes started with the variables srun sets
// (SLURM_PROCID, SLURM_NTASKS, SLURM_STEP_NODELIST) wire themselves: rank 0 listens on the
// step's first host, the others join it. Bad values: one line naming the variable, exit 2.
#include <memory>
#include <string>
#include <vector>

#include "nodes.hpp"

using troupe::test::finish_timeout;
using troupe::test::lines_of;
using troupe::test::process;
using troupe::test::start_timeout;
using troupe::test::value_of;

namespace {

// A port on 127.0.0.1 that was free a moment ago (bound, read, released).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// `exe args...` with `vars` (NAME=VALUE) added to its environment.
std::unique_ptr<process> start_with(std::vector<std::string> vars, const std::string& exe,
                                    std::vector<std::string> args) {
  vars.push_back(exe);
  vars.insert(vars.end(), args.begin(), args.end());
  return std::make_unique<process>("/usr/bin/env", std::move(vars));
}

std::vector<std::string> slurm_vars(int rank, const std::string& nodelist) {
  return {"SLURM_PROCID=" + std::to_string(rank), "SLURM_NTASKS=3",
          "SLURM_STEP_NODELIST=" + nodelist, "SLURM_JOB_ID=77", "SLURM_STEP_ID=0"};
}

// Starts ranks 0..2 of the test node as srun would on `nodelist`; checks that rank 0 listens on
// the list's first host, that ranks 1 and 2 use rank 0's adder, and that all exit 0.
void run_three_ranks(const std::string& nodelist, const std::string& first_host) {
  auto port = std::to_string(free_port());
  std::vector<std::string> args{"--slurm-port", port, "--clients", "2"};
  auto rank0 = start_with(slurm_vars(0, nodelist), TROUPE_TEST_NODE_EXE, args);
  CHECK(rank0->read_line(start_timeout, "rank 0's 'listening on' line") ==
        "listening on " + first_host + ":" + port);
  CHECK(rank0->read_line(start_timeout, "rank 0's rank line") == "rank: 0 of 3");
  auto rank1 = start_with(slurm_vars(1, nodelist), TROUPE_TEST_NODE_EXE, args);
  auto rank2 = start_with(slurm_vars(2, nodelist), TROUPE_TEST_NODE_EXE, args);
  int r = 1;
  for (auto* p : {rank1.get(), rank2.get()}) {
    CAPTURE(r);
    auto code = p->wait(finish_timeout, "a joining rank to finish");
    INFO("stdout:\n" << p->out() << "stderr:\n" << p->err());
    CHECK(code == 0);
    CHECK(value_of(p->out(), "rank") == std::to_string(r) + " of 3");
    CHECK(value_of(p->out(), "adder pid") == std::to_string(rank0->pid()));
    CHECK(value_of(p->out(), "sum") == "142");
    ++r;
  }
  CHECK(rank0->wait(finish_timeout, "rank 0 to finish after both joiners") == 0);
  CHECK_THAT(rank0->out(), Catch::EndsWith("peer done\n"));
}

// Runs the node with `vars`; expects exit 2 and one line on stderr; returns it.
std::string single_error_line(std::vector<std::string> vars, std::vector<std::string> args = {}) {
  auto p = start_with(std::move(vars), TROUPE_TEST_NODE_EXE, std::move(args));
  auto code = p->wait(finish_timeout, "the node to refuse its environment");
  INFO("command: " << p->describe() << "\nstdout:\n" << p->out() << "stderr:\n" << p->err());
  CHECK(code == 2);
  auto lines = lines_of(p->err());
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::StartsWith("node_main: "));
  return lines[0];
}

} // namespace

TEST_CASE("three nodes under Slurm's variables: rank 0 listens on the first host, ranks 1 and 2 "
          "join it",
          "[multinode][slurm]") {
  run_three_ranks("127.0.0.1", "127.0.0.1");
}

TEST_CASE("nodes under Slurm take the first host of a list of several", "[multinode][slurm]") {
  run_three_ranks("localhost,nodeb", "localhost");
}

TEST_CASE("a node under Slurm refuses a nodelist that does not parse with one line naming it",
          "[multinode][slurm]") {
  for (std::string bad : {"node[01-", "node[3-1]", "node[a-b]", "", "[]"}) {
    CAPTURE(bad);
    auto vars = slurm_vars(1, bad);
    CHECK_THAT(single_error_line(vars, {"--slurm-port", "20000"}),
               Catch::Contains("SLURM_STEP_NODELIST '" + bad + "' is not a Slurm hostlist: ") &&
                   Catch::Contains("node[01-04,07]"));
  }
}

TEST_CASE("a node refuses a TROUPE_RANK that is not below TROUPE_SIZE with one line naming it",
          "[multinode][slurm]") {
  CHECK_THAT(single_error_line({"TROUPE_RANK=3", "TROUPE_SIZE=3"}),
             Catch::Contains("TROUPE_RANK must be below TROUPE_SIZE (got 3 and 3)"));
  CHECK_THAT(single_error_line({"TROUPE_RANK=one", "TROUPE_SIZE=3"}),
             Catch::Contains("TROUPE_RANK must be a whole number (got 'one')"));
}
