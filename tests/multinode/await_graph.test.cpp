// The cluster await graph across real processes: a deliberate deadlock between an actor of one
// node and an actor of another, seen from a third node's `/api/v1/awaits` as one cycle naming
// both actors and both nodes; a frozen member is reported unanswered while the others answer.
#include <csignal>
#include <functional>
#include <map>

#include <boost/json.hpp>

#include <support/http.hpp>

#include "nodes.hpp"

using namespace troupe::test;
namespace json = boost::json;

namespace {

const std::string exe = TROUPE_TEST_AWAIT_GRAPH_NODE_EXE;

// Asks `/api/v1/awaits` of the monitor at `port` until `pred` holds (bounded), over one
// connection: a new connection per poll, each closed at once, outran a monitor slowed by
// ThreadSanitizer until its bound of 64 connections refused the next one.
json::object wait_for_graph(int port, const char* what,
                            const std::function<bool(const json::object&)>& pred) {
  auto deadline = std::chrono::steady_clock::now() + start_timeout;
  http_client c{port};
  for (;;) {
    REQUIRE(c.get("/api/v1/awaits"));
    auto r = c.response(start_timeout);
    INFO("/api/v1/awaits answered " << r.status << ": " << r.body);
    REQUIRE(r.status == 200);
    auto graph = json::parse(r.body).as_object();
    if (pred(graph))
      return graph;
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("/api/v1/awaits never showed " << what << "; last answer: " << r.body);
  }
}

std::string text(const json::value& v) {
  return std::string{v.as_string()};
}

} // namespace

TEST_CASE("a deadlock across two nodes is reported by a third node's /api/v1/awaits as one "
          "cycle naming both actors and both nodes",
          "[multinode][monitor][awaits]") {
  listener b{exe, {"--answerer", "await.b"}};
  await_line(b.proc, "registered await.b", start_timeout, "b's registration");
  listener a{exe, {"--join", b.address(), "--ask", "await.b"}};
  await_line(a.proc, "asked await.b", start_timeout, "a's request");
  process c{exe, {"--join", a.address(), "--expect", "3"}};
  await_line(c, "members 3", start_timeout, "c to see three members");
  auto port = monitor_port(c);

  // Each member's part of the graph comes within the gather's wait, which a member under
  // ThreadSanitizer's slowdown may miss once: a graph with every member answered is awaited.
  auto all_answered = [](const json::object& g) {
    for (auto& m : g.at("members").as_array())
      if (!m.at("answered").as_bool())
        return false;
    return true;
  };
  auto graph =
      wait_for_graph(port, "the cycle, every member answering", [&](const json::object& g) {
        return !g.at("cycles").as_array().empty() && all_answered(g);
      });
  auto& cycles = graph.at("cycles").as_array();
  REQUIRE(cycles.size() == 1);
  auto& chain = cycles[0].as_array();
  REQUIRE(chain.size() == 2);
  std::map<std::string, std::string> node_of;
  for (auto& e : chain)
    node_of[text(e.at("name"))] = text(e.at("node"));
  CHECK(node_of["asker"] == a.address());
  CHECK(node_of["answerer"] == b.address());
  // Each edge of the cycle, as its own node saw it, names the other node.
  std::size_t across = 0;
  for (auto& v : graph.at("edges").as_array()) {
    auto& e = v.as_object();
    if (text(e.at("kind")) != "reply")
      continue;
    auto from = text(e.at("from").at("name"));
    auto to = text(e.at("to").at("name"));
    if ((from == "asker" && to == "answerer" && text(e.at("to").at("node")) == b.address()) ||
        (from == "answerer" && to == "asker" && text(e.at("to").at("node")) == a.address()))
      ++across;
  }
  CHECK(across == 2);
  auto& members = graph.at("members").as_array();
  CHECK(members.size() == 3);
  for (auto& m : members)
    CHECK(m.at("answered").as_bool());

  // A frozen member does not answer; the graph comes without its edges, saying so.
  a.proc.signal(SIGSTOP);
  auto partial =
      wait_for_graph(port, "a unanswered, the others answering", [&](const json::object& g) {
        bool a_silent = false;
        for (auto& m : g.at("members").as_array()) {
          if (text(m.at("node")) == a.address())
            a_silent = !m.at("answered").as_bool();
          else if (!m.at("answered").as_bool())
            return false;
        }
        return a_silent;
      });
  CHECK(partial.at("cycles").as_array().empty());
  for (auto& m : partial.at("members").as_array())
    if (text(m.at("node")) != a.address())
      CHECK(m.at("answered").as_bool());
  a.proc.signal(SIGKILL);
}
