/// @file
/// Spawning an actor type by name on a member of the cluster chosen by a placement: a given
/// node, round robin over the members, or the least busy member.
#pragma once

#include <string>
#include <utility>

#include <caf/message.hpp>
#include <caf/node_id.hpp>

#include <troupe/cluster.hpp>
#include <troupe/remote.hpp>

namespace troupe {

/// Where `spawn_placed` starts an actor.
struct placement {
  enum class kind : std::uint8_t {
    /// On the member `node`.
    on,
    /// On the members up now in node-id order, one after another (per spawning node).
    round_robin,
    /// On the member whose workers were least busy over the last second (`member::busy`);
    /// ties go round robin.
    least_busy,
  };

  kind how = kind::round_robin;
  caf::node_id node;

  static placement on(caf::node_id id) {
    return {kind::on, std::move(id)};
  }
  static placement round_robin() {
    return {kind::round_robin, {}};
  }
  static placement least_busy() {
    return {kind::least_busy, {}};
  }
};

/// The member `p` picks among `members` (up or suspect ones; `counter` is the spawning node's
/// count of placements so far), or an error naming why none: no member up, or `p.node` not a
/// member up.
result<member> pick_member(const std::vector<member>& members, const placement& p,
                           std::uint64_t counter);

namespace detail {
/// The member `p` picks for a spawn from `self`'s node (advances its round-robin count).
result<member> place(caf::actor_system& sys, const placement& p);
} // namespace detail

/// Spawns an actor registered as `type` on the member `p` picks (this node included), with
/// `args...`; yields `result<caf::actor>` within `timeout` (errors as `spawn_remote`, and
/// `errc::unreachable` when no member fits `p`).
///
/// ```cpp
/// for (int i = 0; i < 8; ++i)
///   parts.push_back(*co_await troupe::spawn_placed(self, troupe::placement::round_robin(),
///                                                  "tile", 5s, i));
/// ```
template <class... Ts>
detail::spawn_remote_awaiter spawn_placed(context& self, const placement& p, std::string type,
                                          duration timeout, Ts&&... args) {
  detail::check_message_arguments<Ts&&...>();
  auto where = detail::place(self.home_system(), p);
  if (!where)
    return {self, where.error(), std::move(type)};
  return {self, where->at.spawner, std::move(type), timeout,
          caf::make_message(std::forward<Ts>(args)...)};
}

} // namespace troupe
