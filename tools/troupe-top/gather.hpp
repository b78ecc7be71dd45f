// What troupe-top knows of a cluster at one moment: every member's node and actors, read from
// each member's monitor endpoint, and the cluster-wide routes (simulation, await graph).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "client.hpp"

namespace troupe_top {

namespace json = boost::json;

/// One member of the cluster as troupe-top saw it this round.
struct member_view {
  /// CAF's node id (empty when no monitor has named it yet).
  std::string id;
  /// Its `--listen` address, as the cluster lists it; the monitor address when it has none.
  std::string address;
  /// The cluster's word for it (`up`, `suspect`, `down`), or `down` when it left the list.
  std::string state;
  /// Its monitor address (HOST:PORT), empty when it has none.
  std::string monitor;
  /// Whether its monitor answered `/api/v1/node` and `/api/v1/actors` this round.
  bool answered = false;
  /// Why not, when it did not ("nothing answers at 127.0.0.1:4 (connection refused)").
  std::string problem;
  /// `/api/v1/node` and `/api/v1/actors` as they came.
  json::object node;
  json::object actors;
};

/// A route that may be missing: its JSON, or a sentence saying why there is none.
struct optional_route {
  std::optional<json::object> value;
  std::string absent;
};

/// One round of polling.
struct cluster_view {
  std::chrono::steady_clock::time_point taken;
  std::vector<member_view> members;
  /// `/api/v1/sim` (step, total, steps_per_second, eta_seconds, paused, parameters).
  optional_route sim;
  /// `/api/v1/awaits` (edges and cycles), asked for only while the graph is shown.
  optional_route awaits;
};

/// What troupe-top asks each member's `/api/v1/actors` for: the rows it shows, in its order.
/// Each member answers its own first `limit` in that order; the first `limit` of the whole
/// cluster are among them, so merging the answers gives the table's top rows.
struct actor_query {
  /// A sort key of `/api/v1/actors` (`id`, `-mailbox`...).
  std::string sort = "id";
  /// The filter text; a member whose address contains it is asked without it (all its actors
  /// match by their node).
  std::string filter;
  /// Rows wanted from each member (the node's default page when 0).
  std::size_t limit = 0;

  bool operator==(const actor_query&) const = default;
};

/// Polls one cluster through any of its members' monitors.
class gatherer {
public:
  gatherer(endpoint seed, std::string token, std::chrono::milliseconds timeout);

  /// Asks the seed for the member list; one line saying what is wrong (nothing answers, the
  /// token was refused, not a troupe monitor) or nothing. For the first contact, so that a bad
  /// address or token ends troupe-top with that line.
  std::optional<std::string> check_seed();

  /// One round: the member list (from the seed, or from a member known before when the seed
  /// is gone), then every member's node and the actors `q` asks for, side by side, each within
  /// the timeout.
  cluster_view gather(bool with_awaits, const actor_query& q = {});

  /// `/api/v1/actors/{id}` of `m`: the actor and its await chain, or why not.
  optional_route actor_detail(const member_view& m, std::uint64_t id);

  /// `POST /api/v1/sim/pause` (or `resume`) on the node that gave the member list; one line
  /// saying what happened.
  std::string set_paused(bool paused);

private:
  optional_route route(const endpoint& at, const std::string& target, const std::string& missing);

  endpoint seed_;
  endpoint source_; // the monitor that answered /api/v1/cluster last
  std::string token_;
  std::chrono::milliseconds timeout_;
  std::vector<member_view> known_;
};

/// The view as one JSON object: `{"members": [{id, address, state, monitor, answered, problem,
/// node, actors}], "sim": {...} or null}`.
json::object to_json(const cluster_view& v);

/// A sentence for a reply that did not bring JSON: nothing answers at ADDRESS, the token was
/// refused (401), forbidden (403), or the status and the node's own error text.
std::string explain(const reply& r, const endpoint& at, bool have_token);

} // namespace troupe_top
