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

/// Asks `path` of the node's monitor until its JSON object satisfies `pred` (at most 20 s); fails
/// naming `what` with the last answer.
inline boost::json::object
poll_monitor(const troupe::node& n, const std::string& path, const std::string& what,
             const std::function<bool(const boost::json::object&)>& pred) {
  // One connection for every poll: a new one per poll, each closed at once, can outrun a monitor
  // slowed by a sanitizer until its bound of connections refuses the next.
  REQUIRE(n.monitor_address());
  http_client c{n.monitor_address()->port};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  for (;;) {
    REQUIRE(c.get(path));
    auto r = c.response(std::chrono::seconds{10});
    REQUIRE(r.status == 200);
    auto answer = boost::json::parse(r.body).as_object();
    if (pred(answer))
      return answer;
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("timed out waiting for " << what << "; last answer of " << path << ": " << r.body);
    std::this_thread::yield();
  }
}

/// Waits until `/api/v1/awaits` satisfies `pred`.
inline boost::json::object
await_graph(const troupe::node& n, const std::string& what,
            const std::function<bool(const boost::json::object&)>& pred) {
  return poll_monitor(n, "/api/v1/awaits", what, pred);
}

/// Waits until `/api/v1/actors/{id}` satisfies `pred`.
inline boost::json::object
actor_detail(const troupe::node& n, std::uint64_t id, const std::string& what,
             const std::function<bool(const boost::json::object&)>& pred) {
  return poll_monitor(n, "/api/v1/actors/" + std::to_string(id), what, pred);
}

/// Two nodes of one worker each in this process, joined over TCP on 127.0.0.1: `server`
/// listens, with the actor types `register_types` adds; `client` joined it.
struct joined_nodes {
  troupe::node server;
  troupe::node client;
};

inline joined_nodes
start_joined_nodes(const std::function<void(troupe::node_config&)>& register_types) {
  troupe::node_config server_cfg{"server"};
  server_cfg.threads = 1;
  server_cfg.listen = troupe::endpoint{"127.0.0.1", 0};
  register_types(server_cfg);
  auto server = troupe::node::start(std::move(server_cfg));
  if (!server)
    FAIL("the server node did not start: " << server.error().message());
  troupe::node_config client_cfg{"client"};
  client_cfg.threads = 1;
  client_cfg.join = server->listening();
  auto client = troupe::node::start(std::move(client_cfg));
  if (!client)
    FAIL("the client node did not join: " << client.error().message());
  return {std::move(*server), std::move(*client)};
}

} // namespace troupe::test
