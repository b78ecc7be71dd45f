/// @file
/// The introspection data model: what `node::snapshot()` reports about each live actor.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace troupe {

/// What a suspended coroutine is waiting for.
struct await_info {
  enum class kind : std::uint8_t {
    /// A reply from actor `peer` to a request.
    reply,
    /// The next message whose element types are `types`.
    receive,
    /// A timer that fires at `until`.
    timer,
    /// The chunks of kernel `kernel`: `chunks_done` of `chunks_total`.
    kernel,
  };

  kind what = kind::reply;
  /// The awaited actor's id (`reply`), else 0. Actor ids are unique on their node only.
  std::uint64_t peer = 0;
  /// The awaited actor's node (`reply`) when it is not this node: the address it listens on
  /// ("HOST:PORT") when it is a member of this node's cluster, else CAF's node id. Empty when
  /// the awaited actor is on this node.
  std::string peer_node;
  /// Element types awaited (`receive`), e.g. "int, std::string".
  std::string types;
  /// When the timer fires (`timer`, and the deadline of a `receive` with timeout).
  std::chrono::system_clock::time_point until{};
  /// The kernel's name (`kernel`).
  std::string kernel;
  std::size_t chunks_done = 0;
  std::size_t chunks_total = 0;

  /// An actor that a receive expects its message from.
  struct sender {
    /// Its id, unique on its node only.
    std::uint64_t id = 0;
    /// Its node, as `peer_node` names one: empty when it is this node.
    std::string node;
  };

  /// Whom the awaited message is expected from (`receive`), when the receive says: the
  /// neighbours whose halo of this step has not come (tile grids), the member a collective
  /// waits for, or the actors a `troupe::from` names. Empty when any sender will do.
  std::vector<sender> senders;
  /// Why those senders: "halo", "collective" or "receive" (a `troupe::from`); empty without.
  std::string expecting;
  /// When the coroutine suspended.
  std::chrono::system_clock::time_point since{};
};

/// Returns "reply", "receive", "timer" or "kernel".
const char* to_string(await_info::kind k) noexcept;

/// One live troupe actor.
struct actor_info {
  enum class state : std::uint8_t {
    /// A worker thread is inside the actor now.
    running,
    /// Not running, with no suspended coroutine.
    idle,
    /// Not running, with at least one suspended coroutine (see `awaits`).
    suspended,
  };

  std::uint64_t id = 0;
  std::string name;
  /// "coroutine" (a coroutine body) or "behavior" (message handlers), or a user-given type.
  std::string type;
  /// The spawning actor's id; 0 when spawned from the node.
  std::uint64_t parent = 0;
  std::chrono::system_clock::time_point spawned{};
  state current = state::idle;
  std::vector<await_info> awaits;
  /// Messages waiting in the mailbox (enqueued but not yet consumed).
  std::uint64_t mailbox_depth = 0;
  /// Messages that arrived while no handler or receive took them, kept for a later receive.
  std::uint64_t stashed = 0;
  /// Messages dropped because the stash was full (a bug in the actor: see README).
  std::uint64_t dropped = 0;
  /// Messages delivered to a handler or a receive.
  std::uint64_t received = 0;
  /// Messages sent through troupe's API, plus replies to requests.
  std::uint64_t sent = 0;
  /// Time spent handling messages and running coroutines.
  std::chrono::nanoseconds busy{0};
};

/// Returns "running", "idle" or "suspended".
const char* to_string(actor_info::state s) noexcept;

/// Every live troupe actor of a node at one moment.
struct snapshot {
  std::chrono::system_clock::time_point taken{};
  std::vector<actor_info> actors;

  /// The actor with the given name, or nullptr.
  [[nodiscard]] const actor_info* find(std::string_view name) const noexcept;
};

} // namespace troupe
