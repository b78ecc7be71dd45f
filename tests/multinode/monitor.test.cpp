// The monitor endpoint of real node processes: its stderr line, bad options (one line, exit 2),
// /metrics checked by promtool, and a real Prometheus server scraping a node.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <support/http.hpp>

#include "nodes.hpp"

using namespace troupe::test;

namespace {

// The port of a node's `monitor on http://127.0.0.1:PORT` stderr line.
int monitor_port(process& p) {
  auto line = p.read_err_line(start_timeout, "the 'monitor on http://HOST:PORT' line");
  const std::string prefix = "monitor on http://127.0.0.1:";
  INFO("stderr line of " << p.describe() << ": " << line);
  REQUIRE(line.rfind(prefix, 0) == 0);
  return std::stoi(line.substr(prefix.size()));
}

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
  http_client c{port};
  REQUIRE(c.get("/metrics"));
  auto metrics = c.response(10s);
  REQUIRE(metrics.status == 200);
  CHECK_THAT(metrics.headers, Catch::Contains("text/plain; version=0.0.4"));
  CHECK_THAT(metrics.body, Catch::Contains("troupe_actors{type=\"spawner\"} 1"));
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
}

TEST_CASE("a real Prometheus server scrapes a node and finds its troupe series",
          "[multinode][monitor][prometheus]") {
  auto prometheus = required_tool("prometheus");
  listener node{TROUPE_PINGPONG_EXE};
  auto port = monitor_port(node.proc);
  auto dir = temp_dir("prometheus");
  auto config = dir / "prometheus.yml";
  std::ofstream{config} << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                        << "scrape_configs:\n  - job_name: troupe\n    static_configs:\n"
                        << "      - targets: ['127.0.0.1:" << port << "']\n";
  auto web = free_port();
  process server{prometheus,
                 {"--config.file=" + config.string(),
                  "--storage.tsdb.path=" + (dir / "data").string(),
                  "--web.listen-address=127.0.0.1:" + std::to_string(web), "--log.level=warn"}};
  // Asks Prometheus's query API until the query has a result (bounded: a scrape every second).
  auto query_until_found = [&](const std::string& encoded, const char* what) {
    auto deadline = std::chrono::steady_clock::now() + 25s;
    std::string last;
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        http_client c{web};
        c.send("GET /api/v1/query?query=" + encoded + " HTTP/1.1\r\nHost: 127.0.0.1:" +
               std::to_string(web) + "\r\nConnection: close\r\n\r\n");
        last = c.response(5s).body;
        if (last.find("\"result\":[{") != std::string::npos)
          return last;
      } catch (const std::runtime_error& e) {
        last = e.what(); // not up yet
      }
      std::this_thread::sleep_for(200ms); // the poll interval of a server we cannot wait on
    }
    FAIL("Prometheus found no " << what << " within 25 s; its last answer: " << last
                                << "\nits stderr:\n"
                                << server.err());
    return last;
  };
  auto up = query_until_found("up%7Bjob%3D%22troupe%22%7D%20%3D%3D%201", "up == 1");
  CHECK_THAT(up, Catch::Contains("\"job\":\"troupe\""));
  auto series = query_until_found("troupe_workers", "troupe_workers series");
  CHECK_THAT(series, Catch::Contains("\"__name__\":\"troupe_workers\""));
}
