// Helpers for the tests of a node's monitor over real sockets: a node with its monitor on, a GET
// of one of its routes, and bounded waits for the await graph or an actor's detail to show
// something.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <support/http.hpp>
#include <troupe/troupe.hpp>

namespace troupe::test {

/// A started node with 2 workers and its monitor on 127.0.0.1; fails the test if not.
inline troupe::node start_monitored_node() {
  troupe::node_config cfg{"test"};
  cfg.threads = 2;
  auto n = troupe::node::start(std::move(cfg));
  if (!n)
    FAIL("node did not start: " << n.error().message());
  REQUIRE(n->monitor_address());
  return std::move(*n);
}

/// `GET path` of the node's monitor.
inline http_response monitor_get(const troupe::node& n, const std::string& path) {
  REQUIRE(n.monitor_address());
  http_client c{n.monitor_address()->port};
  REQUIRE(c.get(path));
  return c.response(std::chrono::seconds{10});
}

/// Waits (at most 20 s) until `/api/v1/awaits` satisfies `pred`; fails with the last answer.
inline boost::json::object
await_graph(const troupe::node& n, const std::string& what,
            const std::function<bool(const boost::json::object&)>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  for (;;) {
    auto r = monitor_get(n, "/api/v1/awaits");
    REQUIRE(r.status == 200);
    auto graph = boost::json::parse(r.body).as_object();
    if (pred(graph))
      return graph;
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("timed out waiting for " << what << "; last graph: " << r.body);
    std::this_thread::yield();
  }
}

/// Waits (at most 20 s) until `/api/v1/actors/{id}` satisfies `pred`; fails with the last answer.
inline boost::json::object
actor_detail(const troupe::node& n, std::uint64_t id, const std::string& what,
             const std::function<bool(const boost::json::object&)>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  for (;;) {
    auto r = monitor_get(n, "/api/v1/actors/" + std::to_string(id));
    REQUIRE(r.status == 200);
    auto detail = boost::json::parse(r.body).as_object();
    if (pred(detail))
      return detail;
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("timed out waiting for " << what << "; last answer: " << r.body);
    std::this_thread::yield();
  }
}

} // namespace troupe::test
