// The monitor endpoint of real node processes: its stderr line, bad options (one line, exit 2),
// /metrics checked by promtool, and a real Prometheus server scraping a node.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <support/http.hpp>

#include "nodes.hpp"

using namespace troupe::test;

namespace {

// The full path of `tool` on PATH; fails the test, saying what to install, when it is missing.
std::string required_tool(const std::string& tool) {
  std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  for (std::size_t at = 0; at <= path.size();) {
    auto end = path.find(':', at);
    auto dir = path.substr(at, end == std::string::npos ? std::string::npos : end - at);
    auto candidate = std::filesystem::path{dir.empty() ? "." : dir} / tool;
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate.string();
    if (end == std::string::npos)
      break;
    at = end + 1;
  }
  FAIL(tool << " is not installed: install Debian's prometheus package "
            << "(scripts/install-deps does) to run this test");
  return {};
}

std::filesystem::path temp_dir(const std::string& what) {
  auto dir = std::filesystem::temp_directory_path() /
             ("troupe-" + what + "-" + std::to_string(::getpid()) + "-" +
              std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(dir);
  return dir;
}

// A TCP port that was free a moment ago (Prometheus cannot be told to pick one).
int free_port() {
  held_port probe{held_port::refuse};
  return probe.port;
}

std::string one_error_line(const char* exe, std::vector<std::string> args, int& code) {
  process p{exe, std::move(args)};
  code = p.wait(finish_timeout, "the program to refuse its options");
  INFO("stdout:\n" << p.out() << "stderr:\n" << p.err());
  auto lines = lines_of(p.err());
  REQUIRE(lines.size() == 1);
  return lines[0];
}

} // namespace

TEST_CASE("a node prints its monitor address on stderr and serves it until it ends",
          "[multinode][monitor]") {
  listener node{TROUPE_PINGPONG_EXE};
  auto port = monitor_port(node.proc);
  http_client c{port};
  REQUIRE(c.get("/api/v1/node"));
  auto r = c.response(10s);
  CHECK(r.status == 200);
  CHECK_THAT(r.body, Catch::Contains("\"program\":\"pingpong\""));
}

TEST_CASE("a troupe program refuses bad monitor options with one line and exit code 2",
          "[multinode][monitor]") {
  listener holder{TROUPE_PINGPONG_EXE};
  auto taken = "127.0.0.1:" + std::to_string(monitor_port(holder.proc));
  struct row {
    std::vector<std::string> args;
    std::string says;
  };
  for (auto& [args, says] :
       std::vector<row>{{{"--monitor", taken}, "--monitor " + taken + ": cannot listen there"},
                        {{"--monitor", "bad"}, "--monitor must be HOST:PORT"},
                        {{"--monitor", "0.0.0.0:0"}, "needs --monitor-token-file"},
                        {{"--monitor-token-file", "/nonexistent/token"}, "--monitor-token-file"}}) {
    int code = 0;
    auto line = one_error_line(TROUPE_HELLO_EXE, args, code);
    INFO(line);
    CHECK(code == 2);
    CHECK_THAT(line, Catch::StartsWith("hello: ") && Catch::Contains(says));
  }
}

TEST_CASE("a node's /metrics passes promtool check metrics", "[multinode][monitor][prometheus]") {
  auto promtool = required_tool("promtool");
  listener node{TROUPE_PINGPONG_EXE};
  auto port = monitor_port(node.proc);
  // A member playing against the node's ponger: message histograms and a heartbeat round trip.
  process member{TROUPE_PINGPONG_EXE,
                 {"--join", node.address(), "--rounds", "1000000000", "--monitor", "off"}};
  const std::string rtt = "troupe_heartbeat_rtt_seconds{peer=\"127.0.0.1:";
  auto deadline = std::chrono::steady_clock::now() + start_timeout;
  http_response metrics;
  http_client c{port}; // one connection for every poll (see await_graph.test.cpp)
  for (;;) {
    REQUIRE(c.get("/metrics"));
    metrics = c.response(10s);
    REQUIRE(metrics.status == 200);
    if (metrics.body.find(rtt) != std::string::npos)
      break;
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("no heartbeat round trip to the member in /metrics:\n" << metrics.body);
  }
  CHECK_THAT(metrics.headers, Catch::Contains("text/plain; version=0.0.4"));
  CHECK_THAT(metrics.body, Catch::Contains("troupe_actors{type=\"spawner\"} 1"));
  CHECK_THAT(metrics.body, Catch::Contains("troupe_message_processing_seconds_bucket{type="));
  CHECK_THAT(metrics.body, Catch::Contains("troupe_mailbox_wait_seconds_count{type="));
  auto file = temp_dir("metrics") / "metrics.txt";
  std::ofstream{file} << metrics.body;
  process check{
      "/bin/sh",
      {"-c", "\"$0\" check metrics < \"$1\" 2>&1; echo \"exit $?\"", promtool, file.string()}};
  REQUIRE(check.wait(finish_timeout, "promtool check metrics") == 0);
  INFO(check.out());
  CHECK_THAT(check.out(), Catch::EndsWith("exit 0\n"));
  CHECK(lines_of(check.out()).size() == 1); // no lint warnings either

  http_client om{port};
  REQUIRE(om.get("/metrics", "Accept: application/openmetrics-text; version=1.0.0\r\n"));
  auto text = om.response(10s);
  CHECK_THAT(text.headers, Catch::Contains("application/openmetrics-text"));
  CHECK_THAT(text.body, Catch::EndsWith("# EOF\n"));
  CHECK_THAT(text.body, Catch::Contains("# TYPE troupe_messages_received counter\n"));
  CHECK_THAT(text.body, Catch::Contains("# UNIT troupe_message_processing_seconds seconds\n"));
}

// A scrape target of the test's own in front of the node's monitor: each scrape Prometheus makes
// is an event the test waits on (an accept with a deadline), answered with the node's /metrics
// as the node served it. Prometheus stores a scrape's samples before it starts the next scrape
// of the same target, so once a second scrape comes, the first one's series can be queried.
class scrape_relay {
public:
  explicit scrape_relay(int node_port)
    : node_port_(node_port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 8) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
  }

  scrape_relay(const scrape_relay&) = delete;
  scrape_relay& operator=(const scrape_relay&) = delete;

  ~scrape_relay() {
    ::close(fd_);
  }

  /// Answers the next scrape; false when none comes within `timeout`.
  bool serve_one(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
      return false;
    int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0)
      return false;
    timeval tv{5, 0};
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      auto n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0)
        break;
      request.append(buf, static_cast<std::size_t>(n));
    }
    http_client node{node_port_};
    node.get("/metrics");
    auto metrics = node.response(5s);
    auto reply = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: " +
                 std::to_string(metrics.body.size()) + "\r\nConnection: close\r\n\r\n" +
                 metrics.body;
    for (std::size_t done = 0; done < reply.size();) {
      auto n = ::send(c, reply.data() + done, reply.size() - done, MSG_NOSIGNAL);
      if (n <= 0)
        break;
      done += static_cast<std::size_t>(n);
    }
    ::close(c);
    return metrics.status == 200;
  }

  int port = 0;

private:
  int node_port_;
  int fd_ = -1;
};

TEST_CASE("a real Prometheus server scrapes a node and finds its troupe series",
          "[multinode][monitor][prometheus]") {
  auto prometheus = required_tool("prometheus");
  listener node{TROUPE_PINGPONG_EXE};
  scrape_relay relay{monitor_port(node.proc)};
  auto dir = temp_dir("prometheus");
  auto config = dir / "prometheus.yml";
  std::ofstream{config} << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                        << "scrape_configs:\n  - job_name: troupe\n    static_configs:\n"
                        << "      - targets: ['127.0.0.1:" << relay.port << "']\n";
  auto web = free_port();
  process server{prometheus,
                 {"--config.file=" + config.string(),
                  "--storage.tsdb.path=" + (dir / "data").string(),
                  "--web.listen-address=127.0.0.1:" + std::to_string(web), "--log.level=warn"}};
  for (int scrapes = 0; scrapes < 2; ++scrapes)
    if (!relay.serve_one(25s))
      FAIL("Prometheus made " << scrapes << " scrapes of 2 within 25 s each; its stderr:\n"
                              << server.err());
  // The first scrape is stored: one query each.
  auto query = [&](const std::string& encoded) {
    http_client c{web};
    c.send("GET /api/v1/query?query=" + encoded +
           " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(web) + "\r\nConnection: close\r\n\r\n");
    return c.response(5s).body;
  };
  auto up = query("up%7Bjob%3D%22troupe%22%7D%20%3D%3D%201");
  CHECK_THAT(up, Catch::Contains("\"result\":[{") && Catch::Contains("\"job\":\"troupe\""));
  auto series = query("troupe_workers");
  CHECK_THAT(series, Catch::Contains("\"__name__\":\"troupe_workers\""));
}
