// The monitor's /metrics of an in-process node: the histograms of message processing time and
// mailbox wait grow with the messages handled, and the simulation's gauges follow its board.
#include <optional>
#include <sstream>

#include <support/http.hpp>
#include <troupe/sim_board.hpp>

#include "fixture.hpp"
#include "monitor_fixture.hpp"

using namespace troupe::test;

namespace {

std::string metrics(const troupe::node& n) {
  auto r = monitor_get(n, "/metrics");
  REQUIRE(r.status == 200);
  return r.body;
}

// The value of the sample `series` (name and labels as printed), if the text has it.
std::optional<double> sample(const std::string& text, const std::string& series) {
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    if (line.rfind(series + " ", 0) == 0)
      return std::stod(line.substr(series.size() + 1));
  return std::nullopt;
}

double required(const std::string& text, const std::string& series) {
  auto v = sample(text, series);
  INFO(text);
  if (!v)
    FAIL("/metrics has no sample " << series);
  return *v;
}

constexpr const char* bounds[] = {"1e-06", "1e-05", "0.0001", "0.001", "0.01", "0.1", "1", "+Inf"};

// Checks one type's histogram: cumulative buckets ending in `_count`, a positive sum; returns
// the count.
double histogram_count(const std::string& text, const std::string& name, const std::string& type) {
  double previous = 0;
  for (auto* le : bounds) {
    auto v = required(text, name + "_bucket{type=\"" + type + "\",le=\"" + le + "\"}");
    CHECK(v >= previous);
    previous = v;
  }
  auto count = required(text, name + "_count{type=\"" + type + "\"}");
  CHECK(count == previous);
  CHECK(required(text, name + "_sum{type=\"" + type + "\"}") > 0);
  return count;
}

} // namespace

TEST_CASE("a node's /metrics histograms of processing time and mailbox wait grow with the "
          "messages its actors handle",
          "[runtime][monitor][metrics]") {
  auto n = start_monitored_node();
  auto echo =
      troupe::spawn(n, {.name = "echo", .type = "echo"}, [](troupe::context&) -> troupe::behavior {
        return {[](int x) { return x + 1; }};
      });
  constexpr int rounds = 1000;
  outcome<int> done;
  troupe::spawn(n, {.name = "asker", .type = "asker"},
                [echo, p = done.promise](troupe::context& self) -> troupe::task<> {
                  int last = 0;
                  for (int i = 0; i < rounds; ++i)
                    if (auto r = co_await troupe::request<int>(self, echo, 10s, i))
                      last = *r;
                  p->set_value(last);
                });
  REQUIRE(done.get("1000 requests answered") == rounds);

  // A message's processing time is recorded when its handler returns, after the reply or the
  // promise it set was seen here: wait (bounded) until both actors' last one is in.
  auto processed = [](const std::string& text, const std::string& type) {
    auto key = "troupe_message_processing_seconds_count{type=\"" + type + "\"} ";
    auto at = text.find(key);
    return at == std::string::npos ? 0.0 : std::stod(text.substr(at + key.size()));
  };
  auto text = metrics(n);
  for (auto limit = std::chrono::steady_clock::now() + 10s;
       (processed(text, "echo") < rounds || processed(text, "asker") < rounds) &&
       std::chrono::steady_clock::now() < limit;)
    text = metrics(n);
  CHECK_THAT(text, Catch::Contains("# TYPE troupe_message_processing_seconds histogram\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE troupe_mailbox_wait_seconds histogram\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE troupe_heartbeat_rtt_seconds gauge\n"));
  // Every request is one message handled by the echo, every reply one resumed coroutine.
  CHECK(histogram_count(text, "troupe_message_processing_seconds", "echo") >= rounds);
  CHECK(histogram_count(text, "troupe_message_processing_seconds", "asker") >= rounds);
  // One message in 64 per actor is sampled, the first included.
  CHECK(histogram_count(text, "troupe_mailbox_wait_seconds", "echo") >= rounds / 64);
  // A request on one node takes far less than a second to handle.
  CHECK(required(text, "troupe_message_processing_seconds_bucket{type=\"echo\",le=\"1\"}") ==
        required(text, "troupe_message_processing_seconds_count{type=\"echo\"}"));
  // No simulation yet: no simulation gauges.
  CHECK_THAT(text, !Catch::Contains("troupe_sim_step"));
}

TEST_CASE("a node's /metrics shows its simulation's step, rate and last checkpoint write",
          "[runtime][monitor][metrics][sim]") {
  auto n = start_monitored_node();
  troupe::sim_status s;
  s.label = "heat";
  s.step = 30;
  s.total = 100;
  s.steps_per_second = 12.5;
  s.paused = true;
  auto ticket =
      n.sim().open(s, [](const troupe::sim_request&) -> troupe::result<void> { return {}; });
  auto before = metrics(n);
  CHECK(required(before, "troupe_sim_step{sim=\"heat\"}") == 30);
  CHECK(required(before, "troupe_sim_steps{sim=\"heat\"}") == 100);
  CHECK(required(before, "troupe_sim_steps_per_second{sim=\"heat\"}") == 12.5);
  CHECK(required(before, "troupe_sim_paused{sim=\"heat\"}") == 1);
  CHECK_THAT(before, !Catch::Contains("troupe_checkpoint_duration_seconds{"));

  s.step = 40;
  s.paused = false;
  s.last_checkpoint = "/tmp/run/step_0000000040";
  s.last_checkpoint_step = 40;
  s.last_checkpoint_seconds = 0.25;
  n.sim().publish(ticket, s);
  auto after = metrics(n);
  CHECK(required(after, "troupe_sim_step{sim=\"heat\"}") == 40);
  CHECK(required(after, "troupe_sim_paused{sim=\"heat\"}") == 0);
  CHECK(required(after, "troupe_checkpoint_step{sim=\"heat\"}") == 40);
  CHECK(required(after, "troupe_checkpoint_duration_seconds{sim=\"heat\"}") == 0.25);
  n.sim().close(ticket);
  CHECK(required(metrics(n), "troupe_sim_done{sim=\"heat\"}") == 1);
}
