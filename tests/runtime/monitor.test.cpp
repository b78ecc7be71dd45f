// The monitor endpoint of an in-process node, over real sockets: routes, the await chain,
// security (token, Host allow-list, read-only), limits and malformed input, bad options.
#include <atomic>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include <boost/json.hpp>

#include <support/http.hpp>

#include "fixture.hpp"

using namespace troupe::test;
namespace json = boost::json;

namespace {

troupe::node start_monitored(troupe::node_config cfg) {
  auto n = troupe::node::start(std::move(cfg));
  if (!n)
    FAIL("node did not start: " << n.error().message());
  REQUIRE(n->monitor_address());
  return std::move(*n);
}

troupe::node start_monitored(std::size_t threads = 2) {
  troupe::node_config cfg{"test"};
  cfg.threads = threads;
  return start_monitored(std::move(cfg));
}

int port_of(const troupe::node& n) {
  return n.monitor_address()->port;
}

http_response get(const troupe::node& n, const std::string& path, const std::string& extra = {}) {
  http_client c{port_of(n)};
  REQUIRE(c.get(path, extra));
  return c.response(10s);
}

json::value get_json(const troupe::node& n, const std::string& path) {
  auto r = get(n, path);
  INFO(path << " answered " << r.status << ": " << r.body);
  REQUIRE(r.status == 200);
  return json::parse(r.body);
}

// Waits (bounded) until `/api/v1/actors/{id}` satisfies `pred`.
json::value wait_for_actor(const troupe::node& n, std::uint64_t id, const char* what,
                           const std::function<bool(const json::value&)>& pred) {
  auto deadline = std::chrono::steady_clock::now() + 20s;
  for (;;) {
    auto r = get(n, "/api/v1/actors/" + std::to_string(id));
    if (r.status == 200 && pred(json::parse(r.body)))
      return json::parse(r.body);
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("timed out waiting for " << what << "; last answer " << r.status << ": " << r.body);
  }
}

// A token file in a fresh temporary directory, with the given content and mode.
std::string token_file(const std::string& content, mode_t mode) {
  auto dir = std::filesystem::temp_directory_path() /
             ("troupe-monitor-" + std::to_string(::getpid()) + "-" +
              std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(dir);
  auto file = (dir / "token").string();
  std::ofstream{file} << content << "\n";
  ::chmod(file.c_str(), mode);
  return file;
}

const std::string good_token = "0123456789abcdef0123456789abcdef";

troupe::result<void> parse(troupe::node_config& cfg, std::vector<const char*> args) {
  args.insert(args.begin(), "test");
  return cfg.parse_args(static_cast<int>(args.size()), args.data());
}

} // namespace

TEST_CASE("a node serves its monitor on 127.0.0.1 with a free port by default",
          "[runtime][monitor]") {
  auto n = start_monitored();
  CHECK(n.monitor_address()->host == "127.0.0.1");
  CHECK(n.monitor_address()->port != 0);
  auto r = get(n, "/healthz");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"status":"ok"})");
  auto node = get_json(n, "/api/v1/node").as_object();
  CHECK(node.at("program").as_string() == "test");
  CHECK(node.at("workers").as_array().size() == 2);
  CHECK(node.at("monitor").as_string() == "http://" + n.monitor_address()->to_string());
  auto cluster = get_json(n, "/api/v1/cluster").as_object();
  auto& members = cluster.at("members").as_array();
  REQUIRE(members.size() == 1);
  CHECK(members[0].at("state").as_string() == "up");
  CHECK(members[0].at("id").as_string() == node.at("id").as_string());
}

TEST_CASE("a node started with --monitor off serves no monitor", "[runtime][monitor]") {
  troupe::node_config cfg{"test"};
  REQUIRE(parse(cfg, {"--monitor", "off"}));
  auto n = troupe::node::start(std::move(cfg));
  REQUIRE(n);
  CHECK(!n->monitor_address());
}

TEST_CASE("the monitor answers unknown routes with 404 and other methods with 405 or 403",
          "[runtime][monitor]") {
  auto n = start_monitored();
  CHECK(get(n, "/nope").status == 404);
  CHECK(get(n, "/api/v1/actors/424242").status == 404);
  CHECK_THAT(get(n, "/api/v1/actors/424242").body, Catch::Contains("'424242'"));
  http_client c{port_of(n)};
  auto host = "Host: 127.0.0.1:" + std::to_string(port_of(n)) + "\r\n";
  REQUIRE(c.send("OPTIONS /api/v1/node HTTP/1.1\r\n" + host + "\r\n"));
  CHECK(c.response(10s).status == 405);
  REQUIRE(c.send("POST /api/v1/node HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n"));
  auto post = c.response(10s);
  CHECK(post.status == 403);
  CHECK_THAT(post.body, Catch::Contains("--monitor-allow-control"));
}

TEST_CASE("the monitor's actor list sorts, filters and limits, and names a bad parameter",
          "[runtime][monitor]") {
  auto n = start_monitored();
  std::vector<caf::actor> keep;
  for (int i = 0; i < 5; ++i)
    keep.push_back(troupe::spawn(
        n, {.name = "worker-" + std::to_string(i), .type = "cell"},
        [](troupe::context& self) -> troupe::task<> { co_await troupe::receive<int>(self); }));
  auto all = get_json(n, "/api/v1/actors?filter=cell&sort=-name&limit=3").as_object();
  CHECK(all.at("matched").as_int64() == 5);
  auto& actors = all.at("actors").as_array();
  REQUIRE(actors.size() == 3);
  CHECK(actors[0].at("name").as_string() == "worker-4");
  CHECK(actors[2].at("name").as_string() == "worker-2");
  for (auto [query, parameter] : {std::pair{"sort=colour", "sort"},
                                  {"limit=-1", "limit"},
                                  {"limit=many", "limit"},
                                  {"bogus=1", "bogus"}}) {
    auto r = get(n, std::string{"/api/v1/actors?"} + query);
    INFO(query << ": " << r.body);
    CHECK(r.status == 400);
    CHECK(json::parse(r.body).at("parameter").as_string() == parameter);
  }
}

TEST_CASE("the monitor shows an actor's whole await chain, and a cycle of awaits",
          "[runtime][monitor]") {
  auto n = start_monitored();
  auto sink = troupe::spawn(n, {.name = "sink"}, [](troupe::context& self) -> troupe::behavior {
    return {[&self](int) -> caf::result<int> { return self.make_response_promise<int>(); }};
  });
  auto middle = troupe::spawn(n, {.name = "middle"}, [](troupe::context& self) -> troupe::behavior {
    return {[&self](caf::actor next) -> troupe::task<int> {
      auto r = co_await troupe::request<int>(self, next, 1h, 1);
      co_return r ? *r : 0;
    }};
  });
  auto head =
      troupe::spawn(n, {.name = "head"}, [middle, sink](troupe::context& self) -> troupe::task<> {
        (void)co_await troupe::request<int>(self, middle, 1h, sink);
      });
  auto chain = wait_for_actor(n, head.id(), "head -> middle -> sink", [](const json::value& v) {
    return v.at("await_chain").as_array().size() == 2;
  });
  auto& links = chain.at("await_chain").as_array();
  CHECK(links[0].at("awaits_reply_from").as_int64() == static_cast<std::int64_t>(middle.id()));
  CHECK(links[1].at("awaits_reply_from").as_int64() == static_cast<std::int64_t>(sink.id()));
  CHECK(links[1].at("peer").at("name").as_string() == "sink");
  CHECK(chain.at("cycle").as_bool() == false);

  // A deadlock: `loop` asks `relay` to ask `loop` back, which never answers from its body.
  auto relay = troupe::spawn(n, {.name = "relay"}, [](troupe::context& self) -> troupe::behavior {
    return {[&self](caf::actor next) -> troupe::task<int> {
      auto r = co_await troupe::request<int>(self, next, 1h, 1);
      co_return r ? *r : 0;
    }};
  });
  auto loop = troupe::spawn(n, {.name = "loop"}, [relay](troupe::context& self) -> troupe::task<> {
    (void)co_await troupe::request<int>(self, relay, 1h, caf::actor_cast<caf::actor>(&self));
  });
  auto cyc = wait_for_actor(n, loop.id(), "loop -> middle -> loop",
                            [](const json::value& v) { return v.at("cycle").as_bool(); });
  CHECK(cyc.at("await_chain").as_array().size() == 2);
}

TEST_CASE("the monitor answers within 100 ms while every worker runs a long kernel",
          "[runtime][monitor]") {
  auto n = start_monitored(2);
  auto started = std::make_shared<std::atomic<int>>(0);
  auto release = std::make_shared<std::atomic<bool>>(false);
  outcome<bool> done;
  troupe::spawn(n, {.name = "cruncher"},
                [started, release, pd = done.promise](troupe::context& self) -> troupe::task<> {
                  auto spin = [started, release](std::size_t) {
                    started->fetch_add(1);
                    auto until = std::chrono::steady_clock::now() + 30s;
                    while (!release->load() && std::chrono::steady_clock::now() < until) {
                    }
                  };
                  co_await troupe::parallel_for(self, 0, 2, spin, {.name = "spin", .chunks = 2});
                  pd->set_value(true);
                });
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (started->load() < 2) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::yield();
  }
  std::vector<double> ms;
  for (int i = 0; i < 5; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = get(n, "/api/v1/actors");
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    CHECK(r.status == 200);
    CHECK_THAT(r.body, Catch::Contains("\"kernel\":\"spin\""));
  }
  auto node = get_json(n, "/api/v1/node");
  release->store(true);
  CHECK(done.get("the kernel to end"));
  std::sort(ms.begin(), ms.end());
  INFO("answer times (ms): " << ms[0] << " " << ms[1] << " " << ms[2] << " " << ms[3] << " "
                             << ms[4]);
  CHECK(ms[2] < 100);
  CHECK(node.at("workers").as_array()[0].at("busy_seconds").as_double() > 0);
}

TEST_CASE("the monitor with a token file answers 401 without the bearer token",
          "[runtime][monitor]") {
  troupe::node_config cfg{"test"};
  auto file = token_file(good_token, 0600);
  REQUIRE(parse(cfg, {"--monitor-token-file", file.c_str()}));
  auto n = start_monitored(std::move(cfg));
  for (auto path : {"/healthz", "/metrics", "/api/v1/node", "/nope"})
    CHECK(get(n, path).status == 401);
  CHECK(get(n, "/healthz", "Authorization: Bearer " + good_token.substr(1) + "0\r\n").status ==
        401);
  CHECK(get(n, "/healthz", "Authorization: Bearer " + good_token + "\r\n").status == 200);
}

TEST_CASE("the monitor refuses a Host header that is not its own (DNS rebinding)",
          "[runtime][monitor]") {
  auto n = start_monitored();
  auto port = std::to_string(port_of(n));
  for (auto host :
       std::vector<std::string>{"evil.example:" + port, "127.0.0.1:1", "127.0.0.1", ""}) {
    http_client c{port_of(n)};
    REQUIRE(c.send("GET /healthz HTTP/1.1\r\nHost: " + host + "\r\n\r\n"));
    INFO("Host: " << host);
    CHECK(c.response(10s).status == 403);
  }
  http_client c{port_of(n)};
  REQUIRE(c.send("GET /healthz HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n"));
  CHECK(c.response(10s).status == 200);
}

TEST_CASE("the monitor answers malformed or oversized requests with a 4xx and closes",
          "[runtime][monitor]") {
  auto n = start_monitored();
  auto host = "Host: 127.0.0.1:" + std::to_string(port_of(n)) + "\r\n";
  struct bad {
    std::string bytes;
    int status;
  };
  for (auto& [bytes, status] : std::vector<bad>{
           {"HELLO\r\n\r\n", 400},
           {"GET / HTTP/9.9\r\n\r\n", 400},
           {"GET /healthz HTTP/1.1\r\n" + host + "X: " + std::string(9000, 'a') + "\r\n\r\n", 431},
           {"POST /healthz HTTP/1.1\r\n" + host + "Content-Length: 70000\r\n\r\n", 413},
           {"GET /healthz HTTP/1.1\r\n" + host + "Content-Length: nine\r\n\r\n", 400}}) {
    http_client c{port_of(n)};
    REQUIRE(c.send(bytes));
    auto r = c.response(10s);
    INFO(bytes.substr(0, 60));
    CHECK(r.status == status);
    CHECK(c.closed_within(10s));
  }
  CHECK(get(n, "/healthz").status == 200); // still serving
}

TEST_CASE("the monitor closes idle and slow connections after its timeout", "[runtime][monitor]") {
  troupe::node_config cfg{"test"};
  REQUIRE(parse(cfg, {"--monitor-timeout", "0.3"}));
  auto n = start_monitored(std::move(cfg));
  http_client idle{port_of(n)};
  CHECK(idle.closed_within(10s));
  http_client slow{port_of(n)};
  REQUIRE(slow.send("GET /healthz HTTP/1.1\r\n"));
  // One header byte every 50 ms keeps a connection busy but never completes the request.
  bool closed = false;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!closed && std::chrono::steady_clock::now() < deadline)
    closed = !slow.send("X") || slow.closed_within(50ms);
  CHECK(closed);
}

TEST_CASE("the monitor bounds its connections, closing those past the bound at once",
          "[runtime][monitor]") {
  troupe::node_config cfg{"test"};
  cfg.monitor.max_connections = 2;
  auto n = start_monitored(std::move(cfg));
  http_client a{port_of(n)};
  http_client b{port_of(n)};
  REQUIRE(a.get("/healthz"));
  REQUIRE(a.response(10s).status == 200);
  REQUIRE(b.get("/healthz"));
  REQUIRE(b.response(10s).status == 200);
  http_client third{port_of(n)};
  CHECK(third.closed_within(10s));
  REQUIRE(a.get("/healthz", "Connection: close\r\n"));
  CHECK(a.response(10s).status == 200);
  // Once `a` is gone a new connection is served (bounded retry: the server sees the close
  // after the client does).
  auto deadline = std::chrono::steady_clock::now() + 10s;
  int status = 0;
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    http_client d{port_of(n)};
    if (d.get("/healthz"))
      try {
        status = d.response(2s).status;
      } catch (const std::runtime_error&) {
      }
  }
  CHECK(status == 200);
}

TEST_CASE("bad monitor options are refused with one message naming the flag",
          "[runtime][monitor]") {
  struct row {
    std::vector<std::string> args;
    const char* says;
  };
  auto missing = std::string{"/nonexistent/troupe-token"};
  auto shared = token_file(good_token, 0644);
  auto short_one = token_file("abcdef", 0600);
  for (auto& [args, says] :
       std::vector<row>{{{"--monitor", "nohost"}, "--monitor must be HOST:PORT"},
                        {{"--monitor", "example.com:0"}, "must be an IP address or localhost"},
                        {{"--monitor", "0.0.0.0:0"}, "needs --monitor-token-file"},
                        {{"--monitor-token-file", missing}, "cannot read it"},
                        {{"--monitor-token-file", shared}, "readable only by you"},
                        {{"--monitor-token-file", short_one}, "shorter than 128 bits"},
                        {{"--monitor-timeout", "0"}, "--monitor-timeout must be"}}) {
    troupe::node_config cfg{"test"};
    std::vector<const char*> argv;
    for (auto& a : args)
      argv.push_back(a.c_str());
    auto r = parse(cfg, argv);
    INFO(args[0] << " " << args[1]);
    REQUIRE(!r);
    CHECK(r.error() == troupe::errc::bad_option);
    CHECK_THAT(r.error().message(), Catch::Contains(says) && Catch::Contains(args[0]));
  }
}

TEST_CASE("a monitor port in use is an error naming --monitor", "[runtime][monitor]") {
  auto first = start_monitored();
  troupe::node_config cfg{"test"};
  cfg.monitor.address = first.monitor_address();
  auto second = troupe::node::start(std::move(cfg));
  REQUIRE(!second);
  CHECK(second.error() == troupe::errc::port_unavailable);
  CHECK_THAT(second.error().message(),
             Catch::Contains("--monitor " + first.monitor_address()->to_string()) &&
                 Catch::Contains("in use"));
}
