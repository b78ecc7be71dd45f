/// @file
/// The cluster: every node that joined any member of it, as this node sees them (full mesh),
/// and the events of their lives (up, suspect, down, left).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/node_id.hpp>

#include <troupe/context.hpp>
#include <troupe/endpoint.hpp>
#include <troupe/node.hpp>
#include <troupe/request.hpp>
#include <troupe/result.hpp>

namespace troupe {

/// What this node knows of another member.
enum class member_state : std::uint8_t {
  /// Connected, and answering the membership pings.
  up,
  /// Connected, but its membership actor has not answered a ping for a while (busy or frozen);
  /// nothing is done about it. It becomes `up` again with its next answer, or `down` when its
  /// connection times out (`middleman.connection-timeout`, 2 s by default).
  suspect,
  /// Its connection was lost: the process died, froze past the connection timeout, or the
  /// network between the two nodes failed. Final.
  down,
  /// It ended cleanly (its node shut down, or it got SIGTERM or SIGINT) and said so. Final.
  left,
};

/// "up", "suspect", "down" or "left".
const char* to_string(member_state s) noexcept;

/// A node of the cluster.
struct member {
  caf::node_id id;
  /// Where it accepts nodes (`--listen`; a joined node without one listens on a free port).
  endpoint address;
  member_state state = member_state::up;
  /// The share of its process's CPU time per worker over the last second (0 idle, 1 every
  /// worker busy), as it reported in its last ping answer.
  double busy = 0;
  /// Whether it is this node.
  bool local = false;
  /// Its id and spawner, for `spawn_remote`.
  peer at;
  /// Its monitor endpoint ("HOST:PORT"; empty with `--monitor off`).
  std::string monitor;
  /// The round trip of this node's last answered heartbeat ping to it, in seconds (0 for this
  /// node, and before a first answer).
  double rtt_seconds = 0;
};

/// A member whose state changed, sent to the actors that subscribed (`subscribe_members`).
/// `before` is empty for a member new to this node; a new subscriber first gets one such event
/// per member known then.
struct member_event {
  member who;
  std::optional<member_state> before;
};

namespace detail {
using members_await_atom = caf::atom_constant<caf::atom("t_mwait")>;
using members_subscribe_atom = caf::atom_constant<caf::atom("t_msub")>;

/// The node's membership actor, for the awaitables below.
caf::actor membership_of(context& self);
} // namespace detail

/// Every member this node knows, itself included, ordered by node id (down and left ones too).
std::vector<member> cluster_members(context& self);

/// Sends `self` a `member_event` for every member now and for every change from now on, until
/// `self` ends. Receive them with `co_await troupe::receive<troupe::member_event>(self, ...)`.
void subscribe_members(context& self);

/// Awaits until at least `n` members (this node included) are up or suspect; yields an error
/// (`errc::timeout`) when they are not within `timeout`.
///
/// ```cpp
/// if (auto ok = co_await troupe::await_members(self, 3, 30s); !ok)
///   co_return;   // errc::timeout: fewer than 3 came in 30 s
/// ```
inline auto await_members(context& self, std::size_t n, duration timeout) {
  return request<void>(self, detail::membership_of(self), timeout,
                       detail::members_await_atom::value, static_cast<std::uint64_t>(n));
}

} // namespace troupe

// Events go only to subscribers on the node that makes them.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::member_event)
