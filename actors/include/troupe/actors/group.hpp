/// @file
/// `troupe::actors::group`: an ordered set of actors (ranks 0..n-1) that run collectives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/meta/type_name.hpp>

#include <troupe/context.hpp>
#include <troupe/node.hpp>
#include <troupe/receive.hpp>
#include <troupe/spawn.hpp>

namespace troupe::actors {

class group;

namespace detail {

/// What one member keeps about its collectives on a group (collectives.hpp defines it).
struct member_state;

/// The calling member's state in `g`, made on its first collective (see `group`).
member_state& state_of(group& g, context& self);

} // namespace detail

/// An ordered group of actors, local or on other nodes: rank `i` is `members()[i]`.
///
/// A group is a value: make it once (its constructor draws a new id), then give every member
/// a copy, in a message (`announce`) or as an argument (`spawn_group` does both). Each member
/// runs the collectives of collectives.hpp on its copy. Two groups never mix their collectives'
/// messages, even with the same members: every message carries the group's id, drawn at random
/// (64 bits) per group made.
///
/// Besides the members, a copy holds the calling member's own bookkeeping (how many collectives
/// it ran, which members it watches): copies made inside one actor share it, and a copy that
/// reaches another actor starts its own. An actor is at most one member of a group.
///
/// ```cpp
/// auto g = troupe::actors::spawn_group(node, 4, {.name = "tile"},
///   [](troupe::context& self, troupe::actors::group g) -> troupe::task<> {
///     auto rank = *g.rank_of(self.address());
///     auto total = co_await troupe::actors::allreduce(self, g, 1.0 * rank, troupe::actors::sum{});
///   });
/// for (auto& m : g.members())
///   node.wait(m); // each member's end: an error if it threw
/// ```
class group {
public:
  group() = default;

  /// A group of `members` in rank order, with a new id. Members' names are taken now (a remote
  /// member is "remote actor (id N)"), for errors that name a member.
  explicit group(std::vector<caf::actor> members);

  /// The id that the messages of this group's collectives carry.
  [[nodiscard]] std::uint64_t id() const noexcept {
    return id_;
  }

  [[nodiscard]] std::size_t size() const noexcept {
    return members_.size();
  }

  /// The members in rank order.
  [[nodiscard]] const std::vector<caf::actor>& members() const noexcept {
    return members_;
  }

  /// The member of rank `rank` (< size()).
  [[nodiscard]] const caf::actor& operator[](std::size_t rank) const {
    return members_[rank];
  }

  /// The rank of `who`, or nothing when it is not a member.
  [[nodiscard]] std::optional<std::size_t> rank_of(const caf::actor_addr& who) const noexcept;

  /// "actor 'tile-2' (id 17)": the name and id of a member, taken when the group was made.
  [[nodiscard]] const std::string& label(std::size_t rank) const {
    return labels_.at(rank);
  }

  /// "rank 2, actor 'tile-2' (id 17)": a member as errors name it.
  [[nodiscard]] std::string describe(std::size_t rank) const;

  /// Groups are equal when they are the same group (the same id).
  friend bool operator==(const group& x, const group& y) noexcept {
    return x.id_ == y.id_;
  }

  /// Lets a group travel in messages, also to other nodes: id, members and their names (not
  /// the sender's bookkeeping).
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, group& x) {
    return f(caf::meta::type_name("troupe::actors::group"), x.id_, x.members_, x.labels_);
  }

private:
  friend detail::member_state& detail::state_of(group& g, context& self);

  std::uint64_t id_ = 0;
  std::vector<caf::actor> members_;
  std::vector<std::string> labels_;
  std::shared_ptr<detail::member_state> state_;
};

/// Registers `group` as a message type named "troupe::actors::group" with `cfg` (a
/// `troupe::node_config`): needed on every node that sends or receives one.
void add_group_type(caf::actor_system_config& cfg);

/// Sends every member of `g` the group, from no actor: the message a member awaits with
/// `co_await troupe::receive<troupe::actors::group>(self)` to learn its group and rank.
void announce(const group& g);

namespace detail {

template <class F, class... Args>
task<void> run_member(context& self, F fn, Args... args) {
  auto g = co_await receive<group>(self);
  co_await std::invoke(fn, self, std::move(g), std::move(args)...);
}

} // namespace detail

/// Spawns `n` actors of `sys` running `fn(self, g, args...)` (a `task<void>` coroutine), where
/// `g` is the group of all `n` in spawn order; returns the group. Each member is named
/// `opts.name` + "-" + its rank (when `opts.name` is given) and gets `g` as its first message
/// (so it does not start before every member exists). Arguments are copied to every member.
template <class F, class... Args>
group spawn_group(caf::actor_system& sys, std::size_t n, const spawn_options& opts, F fn,
                  Args... args) {
  std::vector<caf::actor> members;
  members.reserve(n);
  for (std::size_t rank = 0; rank < n; ++rank) {
    auto named = opts;
    if (!named.name.empty()) {
      named.name += '-';
      named.name += std::to_string(rank);
    }
    members.push_back(spawn(sys, named, &detail::run_member<F, Args...>, fn, args...));
  }
  group g{std::move(members)};
  announce(g);
  return g;
}

/// Spawns the group on `n` (see `spawn_group(caf::actor_system&, ...)`).
template <class F, class... Args>
group spawn_group(node& n, std::size_t size, const spawn_options& opts, F fn, Args... args) {
  return spawn_group(n.system(), size, opts, std::move(fn), std::move(args)...);
}

} // namespace troupe::actors
