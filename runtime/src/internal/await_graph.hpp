// Internal: the cluster's await graph behind `/api/v1/awaits` (docs/MONITOR.md). Each node
// lists its own actors' awaits as edges; the monitor of the node asked gathers every member's
// edges (monitor/awaits_gather.cpp), finds the cycles of reply edges (monitor/awaits_graph.cpp)
// and writes the JSON (monitor/awaits_json.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include <troupe/snapshot.hpp>

namespace troupe::detail::awaits {

/// An actor of the cluster: its node ("HOST:PORT" where it listens, else CAF's node id), its
/// id there, and its name when known.
struct end {
  std::string node;
  std::uint64_t actor = 0;
  std::string name;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, end& x) {
  return f(caf::meta::type_name("troupe.await_end"), x.node, x.actor, x.name);
}

/// One await of one actor: `from` awaits a reply from `to` (`reply`), or a message of types
/// `what` (`receive`) from `to` when the receive names its senders (one edge per sender, and
/// `expecting` says why: "halo", "collective", "receive"), a timer, or the chunks of kernel
/// `what` (`kernel`).
struct edge {
  end from;
  /// An `await_info::kind`, as a number so that the wire format needs no enum support.
  std::uint8_t kind = 0;
  /// The awaited actor (`reply`), else empty.
  end to;
  /// The awaited types (`receive`) or the kernel's name (`kernel`).
  std::string what;
  /// System-clock nanoseconds since the epoch: when the await began, and its deadline (0: none).
  std::int64_t since_ns = 0;
  std::int64_t until_ns = 0;
  std::uint64_t chunks_done = 0;
  std::uint64_t chunks_total = 0;
  std::string expecting;

  [[nodiscard]] await_info::kind what_kind() const noexcept {
    return static_cast<await_info::kind>(kind);
  }

  /// Whether `to` names an actor: a reply's peer, or a receive's expected sender.
  [[nodiscard]] bool names_peer() const noexcept {
    return what_kind() == await_info::kind::reply ||
           (what_kind() == await_info::kind::receive && !expecting.empty());
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, edge& x) {
  return f(caf::meta::type_name("troupe.await_edge"), x.from, x.kind, x.to, x.what, x.since_ns,
           x.until_ns, x.chunks_done, x.chunks_total, x.expecting);
}

/// What one member said: its edges, or that it did not answer in time (its `state` as the
/// membership sees it, or why not).
struct member_edges {
  std::string node;
  bool answered = false;
  std::string problem;
  std::vector<edge> edges;
};

/// A cycle of awaits that name their peer: each actor awaits a reply or an expected message from
/// the next, the last from the first.
/// It starts at its least actor (by node, then id), so that each cycle has one spelling.
using cycle = std::vector<end>;

struct cycles_found {
  std::vector<cycle> cycles;
  /// The search stopped before it saw every cycle.
  bool truncated = false;
};

/// The edges of the actors in `snap`, all on node `node`. A reply awaited from an actor of
/// another node names that node (`await_info::peer_node`).
std::vector<edge> edges_of(const troupe::snapshot& snap, const std::string& node);

/// Every elementary cycle of the edges among `edges` that name a peer (`edge::names_peer`), each
/// once, in order of their first actor. Stops after `max_cycles`, or when the search took too many
/// steps (`truncated`).
cycles_found find_cycles(const std::vector<edge>& edges, std::size_t max_cycles = 100);

/// The `/api/v1/awaits` document for the edges gathered from `members` at `now`.
std::string graph_json(const std::vector<member_edges>& members,
                       std::chrono::system_clock::time_point now);

} // namespace troupe::detail::awaits

namespace troupe::detail {
class node_state;
}

namespace troupe::detail::awaits {

/// This node's edges, taken on the calling thread (the spawner's answer to `awaits_atom`).
std::vector<edge> local_edges(const node_state& st);

/// Every member's edges: this node's taken here, the others' asked from their spawners at
/// once, each given `patience` to answer (a member down or too busy is reported unanswered).
std::vector<member_edges>
gather(node_state& st, std::chrono::milliseconds patience = std::chrono::milliseconds{200});

/// Asks a node's spawner for that node's edges (its reply: `std::vector<edge>`).
using awaits_atom = caf::atom_constant<caf::atom("t_awaits")>;

} // namespace troupe::detail::awaits
