// The monitor's simulation routes on an in-process node: `/api/v1/sim` shows what the node's
// sim_board holds, and POST /api/v1/sim/pause, resume and params reach the simulation only with
// --monitor-allow-control; bad requests are refused naming what is wrong.
#include <mutex>
#include <vector>

#include <boost/json.hpp>

#include <support/http.hpp>
#include <troupe/sim_board.hpp>

#include "fixture.hpp"

using namespace troupe::test;
namespace json = boost::json;

namespace {

troupe::node start_monitored(bool allow_control) {
  troupe::node_config cfg{"test"};
  cfg.threads = 1;
  cfg.monitor.allow_control = allow_control;
  auto n = troupe::node::start(std::move(cfg));
  if (!n)
    FAIL("node did not start: " << n.error().message());
  REQUIRE(n->monitor_address());
  return std::move(*n);
}

http_response get(const troupe::node& n, const std::string& path) {
  http_client c{n.monitor_address()->port};
  REQUIRE(c.get(path));
  return c.response(10s);
}

http_response post(const troupe::node& n, const std::string& path, const std::string& body) {
  http_client c{n.monitor_address()->port};
  REQUIRE(c.post(path, body));
  return c.response(10s);
}

troupe::sim_status running() {
  troupe::sim_status s;
  s.label = "heat";
  s.step = 30;
  s.total = 100;
  s.steps_per_second = 10;
  s.eta_seconds = 7;
  s.parameters = {{"alpha", 1.5}};
  s.last_checkpoint = "/tmp/run/step_0000000020";
  s.last_checkpoint_step = 20;
  s.last_checkpoint_seconds = 0.25;
  return s;
}

// What a simulation got through its board.
struct requests {
  std::mutex mtx;
  std::vector<troupe::sim_request> got;

  troupe::sim_board::steer_fn steer() {
    return [this](const troupe::sim_request& r) -> troupe::result<void> {
      if (r.what == troupe::sim_request::kind::set && r.name != "alpha")
        return troupe::error{troupe::errc::bad_option, "no parameter '" + r.name + "'"};
      std::lock_guard<std::mutex> guard{mtx};
      got.push_back(r);
      return {};
    };
  }
};

} // namespace

TEST_CASE("the monitor's /api/v1/sim answers 404 until a simulation opens the node's board, "
          "then shows its progress, parameters and last checkpoint",
          "[runtime][monitor][sim]") {
  auto n = start_monitored(false);
  auto none = get(n, "/api/v1/sim");
  CHECK(none.status == 404);
  CHECK_THAT(none.body, Catch::Contains("no simulation runs on this node"));
  requests r;
  auto ticket = n.sim().open(running(), r.steer());
  auto shown = get(n, "/api/v1/sim");
  REQUIRE(shown.status == 200);
  auto o = json::parse(shown.body).as_object();
  CHECK(o.at("label") == "heat");
  CHECK(o.at("step").to_number<std::int64_t>() == 30);
  CHECK(o.at("total").to_number<std::int64_t>() == 100);
  CHECK(o.at("eta_seconds").to_number<double>() == 7.0);
  CHECK(o.at("state") == "running");
  CHECK(o.at("parameters").at("alpha").to_number<double>() == 1.5);
  CHECK(o.at("last_checkpoint").at("step").to_number<std::int64_t>() == 20);
  // A replaced simulation's late updates do not touch the board.
  auto later = n.sim().open(running(), r.steer());
  auto stale = running();
  stale.step = 99;
  n.sim().publish(ticket, stale);
  n.sim().close(ticket);
  CHECK(json::parse(get(n, "/api/v1/sim").body).at("step").to_number<std::int64_t>() == 30);
  n.sim().close(later);
  auto ended = json::parse(get(n, "/api/v1/sim").body).as_object();
  CHECK(ended.at("state") == "done");
  CHECK(ended.at("eta_seconds").is_null());
}

TEST_CASE("steering requests reach the simulation only with --monitor-allow-control",
          "[runtime][monitor][sim]") {
  auto n = start_monitored(false);
  requests r;
  n.sim().open(running(), r.steer());
  auto refused = post(n, "/api/v1/sim/pause", "");
  CHECK(refused.status == 403);
  CHECK_THAT(refused.body, Catch::Contains("--monitor-allow-control"));
  CHECK(r.got.empty());
}

TEST_CASE(
    "steering pauses, resumes, sets parameters and stops, and refuses bad requests naming what "
    "is wrong",
    "[runtime][monitor][sim]") {
  auto n = start_monitored(true);
  CHECK(post(n, "/api/v1/sim/pause", "").status == 404); // no simulation yet
  requests r;
  auto ticket = n.sim().open(running(), r.steer());
  CHECK(post(n, "/api/v1/sim/pause", "").status == 202);
  CHECK(post(n, "/api/v1/sim/resume", "").status == 202);
  auto set = post(n, "/api/v1/sim/params", R"({"alpha": 0.5})");
  CHECK(set.status == 202);
  CHECK_THAT(set.body, Catch::Contains("next step boundary"));
  CHECK(post(n, "/api/v1/sim/stop", "").status == 202);
  {
    std::lock_guard<std::mutex> guard{r.mtx};
    REQUIRE(r.got.size() == 4);
    CHECK(r.got[0].what == troupe::sim_request::kind::pause);
    CHECK(r.got[1].what == troupe::sim_request::kind::resume);
    CHECK(r.got[2].what == troupe::sim_request::kind::set);
    CHECK(r.got[2].name == "alpha");
    CHECK(r.got[2].value == 0.5);
    CHECK(r.got[3].what == troupe::sim_request::kind::stop);
  }
  auto unknown = post(n, "/api/v1/sim/params", R"({"beta": 2})");
  CHECK(unknown.status == 400);
  CHECK(json::parse(unknown.body).at("parameter") == "beta");
  auto text = post(n, "/api/v1/sim/params", R"({"alpha": "fast"})");
  CHECK(text.status == 400);
  CHECK(json::parse(text.body).at("parameter") == "alpha");
  for (auto body : {"", "[1, 2]", "{}", "{\"alpha\": 1", "alpha=1"}) {
    CAPTURE(body);
    auto bad = post(n, "/api/v1/sim/params", body);
    CHECK(bad.status == 400);
    CHECK_THAT(bad.body, Catch::Contains("JSON object of parameter names and numbers"));
  }
  CHECK(get(n, "/api/v1/sim/pause").status == 405);
  {
    std::lock_guard<std::mutex> guard{r.mtx};
    CHECK(r.got.size() == 4); // nothing bad got through
  }
  n.sim().close(ticket);
  auto after = post(n, "/api/v1/sim/pause", "");
  CHECK(after.status == 404);
  CHECK_THAT(after.body, Catch::Contains("has ended"));
}
