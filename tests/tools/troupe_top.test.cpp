// troupe-top --once and --json against a real 3-node cluster (troupe-run and the multinode
// cluster node), and troupe-top's answers to bad input: one line and exit 1 (bad flags: 2).
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include <sys/stat.h>

#include <boost/json/parse.hpp>

#include <multinode/nodes.hpp>

using troupe::test::finish_timeout;
using troupe::test::held_port;
using troupe::test::lines_of;
using troupe::test::process;
using troupe::test::start_timeout;

namespace {

// `troupe-run -n 3 cluster_node --expect 3 --watch --place 3`: every rank has its own membership,
// names, spawner, a coroutine awaiting member events, and "where" actors placed round robin.
struct cluster_of_three {
  cluster_of_three()
    : run(TROUPE_RUN_EXE,
          {"-n", "3", TROUPE_TEST_CLUSTER_NODE_EXE, "--expect", "3", "--watch", "--place", "3"}) {
    const std::string prefix = "monitor on http://";
    while (monitors.size() < 3) {
      auto line = run.read_err_line(start_timeout, "'[R] monitor on http://...' from each rank");
      if (auto at = line.find(prefix); at != std::string::npos && line.starts_with("["))
        monitors[line.substr(1, line.find(']') - 1)] = line.substr(at + prefix.size());
    }
    std::set<std::string> ready;
    while (ready.size() < 3) {
      auto line = run.read_line(start_timeout, "'[R] ready' from each rank");
      if (line.ends_with("] ready"))
        ready.insert(line);
      if (auto at = line.find("] self "); at != std::string::npos)
        listening.insert(line.substr(at + 7));
    }
    REQUIRE(listening.size() == 3);
  }

  process run;
  std::map<std::string, std::string> monitors; // rank -> HOST:PORT
  std::set<std::string> listening;             // each rank's --listen address
};

struct outcome {
  int code;
  std::string out;
  std::string err;
};

outcome top(std::vector<std::string> args) {
  process p{TROUPE_TOP_EXE, std::move(args)};
  auto code = p.wait(finish_timeout, "troupe-top to finish");
  return {code, p.out(), p.err()};
}

// A token file as a node wants it: 32 hex digits, readable only by its owner.
struct token_file {
  explicit token_file(const std::string& token) {
    char name[] = "/tmp/troupe-top-token-XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = name;
    std::ofstream{path} << token << "\n";
    ::chmod(path.c_str(), 0600);
  }
  token_file(const token_file&) = delete;
  token_file& operator=(const token_file&) = delete;
  ~token_file() {
    std::remove(path.c_str());
  }
  std::string path;
};

const std::string good_token = "00112233445566778899aabbccddeeff";

} // namespace

TEST_CASE("troupe-top --once prints the header and every node's actors of a 3-node cluster",
          "[tools][troupe-top]") {
  cluster_of_three c;
  auto r = top({"--once", c.monitors["1"]});
  INFO("stdout:\n" << r.out << "stderr:\n" << r.err);
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() > 8);
  CHECK_THAT(lines[0], Catch::Contains("nodes 3/3 up"));
  CHECK(lines[1] == "simulation: no simulation on this cluster");
  for (auto& addr : c.listening) {
    CAPTURE(addr);
    // Each node's membership actor and its coroutine awaiting member events are table rows.
    std::size_t membership = 0;
    std::size_t awaiting = 0;
    for (auto& l : lines) {
      if (l.find(" " + addr + " ") == std::string::npos)
        continue;
      membership += l.find("troupe.membership") != std::string::npos;
      awaiting += l.find("receive (troupe::member_e") != std::string::npos;
    }
    CHECK(membership == 1);
    CHECK(awaiting == 1);
  }
}

TEST_CASE("troupe-top --json prints one object with the three members' nodes and actors",
          "[tools][troupe-top]") {
  cluster_of_three c;
  auto r = top({"--json", c.monitors["2"]});
  INFO("stdout:\n" << r.out << "stderr:\n" << r.err);
  REQUIRE(r.code == 0);
  auto v = boost::json::parse(r.out);
  auto& members = v.at("members").as_array();
  REQUIRE(members.size() == 3);
  std::set<std::string> seen;
  for (auto& m : members) {
    CHECK(m.at("state") == "up");
    CHECK(m.at("answered") == true);
    CHECK(m.at("node").at("actors").as_int64() > 3);
    CHECK(m.at("actors").at("actors").as_array().size() ==
          static_cast<std::size_t>(m.at("node").at("actors").as_int64()));
    seen.insert(std::string{m.at("address").as_string()});
  }
  CHECK(seen == c.listening);
  CHECK(v.at("sim").is_null());
}

TEST_CASE("troupe-top given an address that does not parse says so and exits 1",
          "[tools][troupe-top]") {
  auto r = top({"--once", "localhost"});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "troupe-top: 'localhost' is not a monitor address HOST:PORT (no ':'); a node "
                 "prints it as 'monitor on http://HOST:PORT'\n");
  r = top({"--once", "127.0.0.1:99999"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("the port must be a number in 1..65535"));
}

TEST_CASE("troupe-top given an address where nothing answers names it and exits 1",
          "[tools][troupe-top]") {
  held_port closed{held_port::refuse};
  auto addr = closed.address();
  for (auto mode : {"--once", "--json"}) {
    CAPTURE(mode);
    auto r = top({mode, addr});
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "troupe-top: nothing answers at " + addr +
                       " (connection refused); is a troupe node's monitor there? A node prints "
                       "'monitor on http://HOST:PORT' on stderr when it starts\n");
  }
  // A listener that never accepts: the connection stays pending until the deadline.
  held_port silent{held_port::full_queue};
  auto r = top({"--once", silent.address()});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::StartsWith("troupe-top: nothing answers at " + silent.address() +
                                      " (no answer within "));
}

TEST_CASE("troupe-top with a missing or refused token says the token is the problem and exits 1",
          "[tools][troupe-top]") {
  token_file file{good_token};
  process node{TROUPE_TEST_CLUSTER_NODE_EXE, {"--monitor-token-file", file.path}};
  auto line = node.read_err_line(start_timeout, "'monitor on http://...'");
  REQUIRE(line.starts_with("monitor on http://"));
  auto monitor = line.substr(18);
  auto missing = top({"--once", monitor});
  CHECK(missing.code == 1);
  CHECK(missing.err ==
        "troupe-top: " + monitor +
            " needs a token (401); give the node's token (the file of its "
            "--monitor-token-file) with --token-file FILE or TROUPE_MONITOR_TOKEN\n");
  token_file wrong{"ffffffffffffffffffffffffffffffff"};
  auto refused = top({"--once", "--token-file", wrong.path, monitor});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err, Catch::StartsWith("troupe-top: " + monitor + " refused the token (401)"));
  auto good = top({"--once", "--token-file", file.path, monitor});
  INFO("stderr: " << good.err);
  CHECK(good.code == 0);
  CHECK_THAT(good.out, Catch::Contains("nodes 1/1 up"));
  ::setenv("TROUPE_MONITOR_TOKEN", good_token.c_str(), 1);
  auto from_env = top({"--json", monitor});
  ::unsetenv("TROUPE_MONITOR_TOKEN");
  CHECK(from_env.code == 0);
}

TEST_CASE("troupe-top given a token file that does not exist says so and exits 1",
          "[tools][troupe-top]") {
  auto r = top({"--once", "--token-file", "/nonexistent/token", "127.0.0.1:1"});
  CHECK(r.code == 1);
  CHECK(r.err == "troupe-top: --token-file /nonexistent/token: cannot read it (does the file "
                 "exist?); give the file the node was started with (--monitor-token-file)\n");
}

TEST_CASE("troupe-top given bad flags says which and exits 2, and --help exits 0",
          "[tools][troupe-top]") {
  auto r = top({"--bogus", "127.0.0.1:1"});
  CHECK(r.code == 2);
  CHECK(r.err == "troupe-top: unknown option '--bogus' (see troupe-top --help)\n");
  r = top({"--once"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("missing HOST:PORT"));
  r = top({"--once", "--json", "127.0.0.1:1"});
  CHECK(r.code == 2);
  r = top({"--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("troupe-top: a live view"));
}
