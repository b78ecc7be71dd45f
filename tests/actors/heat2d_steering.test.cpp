// heat2d steered through its monitor (--monitor-allow-control), as a user would with curl or
// troupe-top: /api/v1/sim shows the run; a pause holds it at a step boundary, a parameter set
// while paused applies at the next boundary, shows in /api/v1/sim and goes into the checkpoint;
// stop ends the run there with a checkpoint.
#ifdef TROUPE_EXAMPLE_HEAT2D

#include <functional>
#include <string>

#include <boost/json.hpp>

#include <support/http.hpp>

#include "cluster_support.hpp"

using namespace std::chrono_literals;
using troupe::test::http_client;
using troupe::test::monitor_port;
using troupe::test::process;
using troupe::test::scratch;
using troupe::test::value_of;
namespace json = boost::json;

namespace {

troupe::test::http_response get_sim(int port) {
  http_client c{port};
  REQUIRE(c.get("/api/v1/sim"));
  return c.response(10s);
}

json::object sim(int port) {
  auto r = get_sim(port);
  INFO("/api/v1/sim answered " << r.status << ": " << r.body);
  REQUIRE(r.status == 200);
  return json::parse(r.body).as_object();
}

int post(int port, const std::string& path, const std::string& body = {}) {
  http_client c{port};
  REQUIRE(c.post(path, body));
  return c.response(10s).status;
}

// Reads /api/v1/sim until `pred` holds, at most 20 s (the monitor has no events to wait on; a
// 404 means the driver has not opened the board yet).
json::object sim_until(int port, const char* what, const std::function<bool(json::object&)>& pred) {
  auto deadline = std::chrono::steady_clock::now() + 20s;
  for (;;) {
    auto r = get_sim(port);
    if (r.status == 200) {
      auto s = json::parse(r.body).as_object();
      if (pred(s))
        return s;
    }
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("timed out waiting for " << what << "; last /api/v1/sim: " << r.status << " " << r.body);
  }
}

} // namespace

TEST_CASE("heat2d paused, given a new alpha and stopped through its monitor applies each at a "
          "step boundary, and the checkpoint keeps the new alpha",
          "[actors][heat2d][monitor]") {
  scratch dir;
  auto checkpoints = (dir.path / "cp").string();
  process run{TROUPE_EXAMPLE_HEAT2D,
              {"--nx", "64", "--ny", "64", "--steps", "100000000", "--threads", "1", "--progress",
               "off", "--checkpoint-dir", checkpoints, "--monitor-allow-control", "true"}};
  auto port = monitor_port(run);
  auto first =
      sim_until(port, "the run under way", [](json::object& s) { return s.at("step") != 0; });
  CHECK(first.at("label") == "heat2d");
  CHECK(first.at("total").to_number<std::int64_t>() == 100000000);
  CHECK(first.at("parameters").at("alpha").to_number<double>() == 1.0);

  REQUIRE(post(port, "/api/v1/sim/pause") == 202);
  auto held = sim_until(port, "the pause", [](json::object& s) { return s.at("paused") == true; });
  CHECK(held.at("state") == "paused");
  CHECK(held.at("eta_seconds").is_null());
  // Held: the step does not move while paused, also after a parameter is set.
  REQUIRE(post(port, "/api/v1/sim/params", R"({"alpha": 0.5})") == 202);
  auto still = sim(port);
  CHECK(still.at("step") == held.at("step"));
  CHECK(still.at("parameters").at("alpha").to_number<double>() == 1.0);

  REQUIRE(post(port, "/api/v1/sim/resume") == 202);
  auto changed = sim_until(port, "alpha 0.5 applied", [](json::object& s) {
    return s.at("paused") == false && s.at("parameters").at("alpha").to_number<double>() == 0.5;
  });
  CHECK(changed.at("step").to_number<std::int64_t>() > held.at("step").to_number<std::int64_t>());

  REQUIRE(post(port, "/api/v1/sim/stop") == 202);
  REQUIRE(run.wait(troupe::test::finish_timeout, "heat2d to stop") == 0);
  INFO("stdout:\n" << run.out() << "stderr:\n" << run.err());
  auto last = value_of(run.out(), "checkpoint");
  REQUIRE(!last.empty());
  auto steps = std::stoll(value_of(run.out(), "steps"));
  CHECK(steps < 100000000);

  // The checkpoint holds alpha 0.5: a restart from it says so.
  process resumed{TROUPE_EXAMPLE_HEAT2D,
                  {"--nx", "64", "--ny", "64", "--steps", std::to_string(steps + 10), "--threads",
                   "1", "--progress", "off", "--restart", checkpoints}};
  REQUIRE(resumed.wait(troupe::test::finish_timeout, "the restarted heat2d") == 0);
  CHECK_THAT(resumed.err(),
             Catch::Contains("alpha 0.5 from the checkpoint (changed during the run) replaces "
                             "--alpha 1"));
}

#endif
