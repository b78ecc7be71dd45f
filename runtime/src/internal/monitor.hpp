// Internal: the monitor endpoint (docs/MONITOR.md). Beast parses and serves HTTP on a thread of
// its own; `handle` answers one parsed request from a `source` of data, so that the router is
// tested and fuzzed without a node (tests/fuzz).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <troupe/detail/actor_record.hpp>
#include <troupe/endpoint.hpp>
#include <troupe/errc.hpp>
#include <troupe/monitor_options.hpp>
#include <troupe/result.hpp>
#include <troupe/sim_board.hpp>
#include <troupe/snapshot.hpp>

#include "await_graph.hpp"
#include "snapshot_pass.hpp"

namespace troupe::detail {
class node_state;
}

namespace troupe::detail::monitor {

/// The largest request header and body the endpoint reads.
inline constexpr std::size_t header_limit = 8 * 1024;
inline constexpr std::size_t body_limit = 64 * 1024;

/// One worker's load.
struct worker_load {
  /// Busy share of the last sampling interval (about a second), 0..1.
  double busy_ratio = 0;
  /// Time spent running jobs since the node started.
  double busy_seconds = 0;
};

/// What `/api/v1/node` reports.
/// A member of the cluster as this node sees it.
struct member_view {
  std::string id;
  std::string address;
  std::string state;
  double busy = 0;
  bool local = false;
  std::string monitor;
  /// The round trip of this node's last answered ping to it (0: none yet, or this node).
  double rtt_seconds = 0;
};

/// What crossed the wire between this node and one peer node (CAF's node id), as BASP counts
/// it (monitor/wire.cpp): messages to and from actors there, and BASP's bytes both ways.
struct wire_view {
  std::string peer;
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
};

/// Every peer's counts of the node whose CAF node id is `self` (as `caf::to_string` spells it).
std::vector<wire_view> wire_counts(const std::string& self);

struct node_view {
  std::string id;
  std::string program;
  std::string version;
  double uptime_seconds = 0;
  std::vector<worker_load> workers;
  double messages_per_second = 0;
  std::uint64_t messages_total = 0;
  std::size_t actors = 0;
  std::optional<endpoint> listening;
  std::optional<endpoint> monitor;
  /// The cluster's members, this node included (empty for a source without a cluster).
  std::vector<member_view> members;
  /// Messages and bytes between this node and each peer it talked to.
  std::vector<wire_view> wire;
};

/// A latency histogram: counts per bucket (1 µs … 1 s by decades, then +Inf), not cumulative.
struct histogram_view {
  std::array<std::uint64_t, detail::latency_buckets> counts{};
  double sum_seconds = 0;
};

/// The actors of one type, live and ended (the counters of ended ones are kept).
struct type_view {
  std::string type;
  std::uint64_t live = 0;
  std::uint64_t ended = 0;
  std::uint64_t received = 0;
  std::uint64_t sent = 0;
  std::uint64_t mailbox = 0;
  double busy_seconds = 0;
  histogram_view processing;
  /// Sampled: one message in `detail::wait_sample_every` per actor.
  histogram_view mailbox_wait;
};

/// Where the endpoint's data comes from: the node (monitor/node_source.cpp), or a fake one in
/// tests and the fuzz target. Called on the endpoint's thread only.
class source {
public:
  virtual ~source() = default;
  virtual node_view node() = 0;
  virtual troupe::snapshot actors() = 0;
  /// Every live actor with only `fields` (`read_fields`) read besides its id, in any order:
  /// what a page's order and filter need. By default the whole snapshot.
  virtual troupe::snapshot actor_keys(unsigned fields) {
    (void)fields;
    return actors();
  }
  /// Every field of the live actors among `ids` (ascending), by id; an actor that ended is not
  /// there. By default taken from the whole snapshot (monitor/actors_page.cpp).
  virtual std::vector<actor_info> actors_by_id(const std::vector<std::uint64_t>& ids);
  virtual std::vector<type_view> types() = 0;
  /// Every member's await edges, this node's first; by default this node's only, named by its
  /// `node()` address.
  virtual std::vector<awaits::member_edges> await_graph();
  /// Called about once a second: takes the samples that rates are computed from.
  virtual void sample() {
  }
  /// The simulation running here, if any (`/api/v1/sim`).
  virtual std::optional<sim_status> sim() {
    return std::nullopt;
  }
  /// Passes a steering request to that simulation (`POST /api/v1/sim/...`).
  virtual result<void> steer(const sim_request&) {
    return error{errc::no_simulation, "no simulation runs on this node"};
  }
};

/// Who may ask what: the endpoint's security settings, fixed when it starts.
struct settings {
  /// The bearer token every request must carry, when a token file was given.
  std::optional<std::string> token;
  bool allow_control = false;
  /// The host the endpoint was bound to and its port, for the Host allow-list.
  std::string bound_host;
  std::uint16_t port = 0;
};

/// The connection a request came on: the local address the client connected to (its Host
/// header may name it: a client of 0.0.0.0 connects to one of the machine's addresses).
struct connection {
  std::string local_address;
};

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

/// Answers one request: Host allow-list (403), bearer token (401), read-only unless control is
/// allowed (403), then the routes (404, 405, 400 for bad parameters).
response handle(const request& req, const connection& conn, const settings& s, source& src);

/// Parses `bytes` as HTTP requests with the endpoint's limits and answers each, as the server
/// does (a malformed one gets a 4xx and ends the connection); returns what would be written.
std::string serve_bytes(std::string_view bytes, const connection& conn, const settings& s,
                        source& src);

/// A JSON response of `status` with the serialised `body`.
response json_text_response(unsigned status, std::string body);

/// A JSON error response: `{"error": message, "parameter": parameter}` (parameter if any).
response error_response(unsigned status, std::string_view message, std::string_view parameter = {});

// JSON routes (monitor/json.cpp).
/// RFC 3339 in UTC with milliseconds: "2024-05-01T12:00:00.250Z".
std::string timestamp(std::chrono::system_clock::time_point t);
std::string node_json(const node_view& n);
std::string cluster_json(const node_view& n);
/// How many actors a page of `/api/v1/actors` has when the query gives no `limit`: a page of 500
/// answers in a few milliseconds beside the snapshot itself, and fills any terminal.
inline constexpr std::size_t default_actors_limit = 500;
/// The largest `limit`: 10,000 actors are ~3 MB of JSON, ~90 ms beside the snapshot.
inline constexpr std::size_t max_actors_limit = 10'000;
/// `/api/v1/actors` with its query (sort, filter, offset, limit): one page of the matching
/// actors, `total` and `matched` counts, and `next` (the query of the next page) unless it is the
/// last; an error names the bad parameter. Reads of every actor only what the order and the
/// filter need, then every field of the page's actors (monitor/actors_page.cpp).
response actors_response(source& src, std::string_view query);
/// How deep `/api/v1/actors/{id}` follows an await chain, and how many links it lists at most.
inline constexpr std::size_t chain_max_depth = 32;
inline constexpr std::size_t chain_max_links = 1000;
/// `/api/v1/actors/{id}` with the actor's await chain through the cluster's await graph
/// (`source::await_graph`): every await that names whom it waits for, depth first, each actor's
/// awaits listed once, up to a cycle, `chain_max_depth` or `chain_max_links`
/// (monitor/actor_chain.cpp).
response actor_response(source& src, std::string_view id);
/// `GET /api/v1/sim`, and `POST /api/v1/sim/pause|resume|stop|params` (monitor/sim.cpp).
response sim_response(source& src);
response steer_response(source& src, std::string_view what, std::string_view body);

// Prometheus and OpenMetrics text (monitor/metrics.cpp).
std::string metrics_text(const node_view& n, const std::vector<type_view>& types,
                         const std::optional<sim_status>& sim, bool openmetrics);

// Security (monitor/security.cpp).

/// Whether `host` (an IP literal or "localhost") is a loopback address.
bool is_loopback(std::string_view host);

/// Reads the token of `file`: owned by this user, no permissions for group or others, at
/// least 128 bits. An error names `--monitor-token-file` and what to do.
result<std::string> read_token_file(const std::string& file);

/// Checks the options before anything binds: a bad address, a non-loopback address without a
/// token file, a bad token file. Yields the token, if any.
result<std::optional<std::string>> check_options(const monitor_options& opts);

/// Compares in time that depends only on the lengths.
bool same_token(std::string_view expected, std::string_view given) noexcept;

/// Whether a Host header value may reach this endpoint (the DNS-rebinding defence).
bool host_allowed(std::string_view host, const connection& conn, const settings& s);

/// A running endpoint: its acceptor and sessions on one thread of its own.
class server {
public:
  /// Binds `opts.address`, starts the thread; an error names `--monitor`.
  static result<std::unique_ptr<server>>
  start(const monitor_options& opts, std::optional<std::string> token, std::unique_ptr<source> src);
  ~server();

  /// The bound address.
  [[nodiscard]] endpoint address() const;

  /// Closes every connection and joins the thread.
  void stop();

  struct impl;

private:
  explicit server(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

/// The node's own data for the endpoint (monitor/node_source.cpp).
std::unique_ptr<source> make_node_source(node_state& st);

/// Starts the endpoint of the node `st` if its config asks for one, prints
/// `monitor on http://HOST:PORT` on stderr; an error names the flag.
result<void> start_monitor(node_state& st);

/// Stops the endpoint of `st`, if it runs (before the node's actor system goes).
void stop_monitor(node_state& st);

} // namespace troupe::detail::monitor
