// Internal: the state behind troupe::node, shared with actors through their node_config.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/actor_system.hpp>

#include <troupe/cluster.hpp>
#include <troupe/detail/actor_record.hpp>
#include <troupe/node.hpp>
#include <troupe/sim_board.hpp>

#include "cluster_wire.hpp"
namespace troupe::detail::monitor {
class server;
}

namespace troupe::detail {

/// What the actors of one type that ended had counted, so that the monitor's per-type totals
/// never go back when actors end.
struct ended_totals {
  std::string type;
  std::uint64_t ended = 0;
  std::uint64_t received = 0;
  std::uint64_t sent = 0;
  std::uint64_t busy_ticks = 0;
  histogram_totals processing;
  histogram_totals mailbox_wait;
};

/// The type an actor's record reports: the one given at spawn, else its kind.
std::string_view type_of(const actor_record& rec) noexcept;

/// Every live troupe actor of a node, for snapshots and shutdown.
///
/// Records are linked into one of several lists, each under its own lock, so that actors
/// spawned and ended on different workers rarely meet on a lock, and no node is allocated.
/// A record remembers its list: an actor may end on another thread than it was spawned on.
/// An actor unlinks its record before its memory goes, so a reader holding a shard's lock may
/// read every record in that shard.
class registry {
public:
  void add(actor_record& rec) noexcept;
  void remove(actor_record& rec) noexcept;

  /// Calls `f(const actor_record&)` for every record, under the record's shard lock.
  template <class F>
  void for_each(F&& f) const {
    for (auto& sh : shards_) {
      std::lock_guard<spinlock> guard{sh.lock};
      for (auto* r = sh.head; r != nullptr; r = r->next)
        f(*r);
    }
  }

  /// Weak handles to every registered actor.
  std::vector<caf::actor_addr> addresses() const;

  std::size_t size() const noexcept;

  /// The counters of every actor that ended, per type.
  std::vector<ended_totals> ended() const;

  /// Makes `remove` count removals and wake `wait_for_removal` (node shutdown). Until then,
  /// `remove` pays one load of a flag.
  void watch() noexcept;

  /// Removals counted since `watch()`.
  std::uint64_t removals() const;

  /// Waits until more than `seen` removals were counted or `deadline` passes; returns the
  /// count then.
  std::uint64_t wait_for_removal(std::uint64_t seen,
                                 std::chrono::steady_clock::time_point deadline) const;

private:
  void count_removal() noexcept;

  static constexpr std::size_t shard_count = 16;

  // A spin lock: held for a few instructions by spawns and exits (a mutex cost each actor
  // ~150 instructions more), and by snapshots while they copy one shard.
  struct alignas(64) shard {
    mutable spinlock lock;
    actor_record* head = nullptr;
    std::size_t count = 0;
    // A handful of types in practice: a vector scanned under the lock already held.
    std::vector<ended_totals> ended;
  };

  /// The shard an actor spawned on this thread goes to: one per thread (round robin), so
  /// that a worker's spawns and exits link neighbours that are mostly its own, in its cache.
  static std::uint8_t this_thread_shard() noexcept;

  std::array<shard, shard_count> shards_;

  // Set by watch(); read by every remove (seq_cst: see count_removal in node_shutdown.cpp).
  std::atomic<bool> watched_{false};
  mutable std::mutex removal_mtx_;
  mutable std::condition_variable removed_;
  std::uint64_t removals_ = 0;
};

class node_state {
public:
  explicit node_state(std::unique_ptr<node_config> config)
    : cfg(std::move(config)) {
  }

  /// The node's configuration, owned here at a fixed address: the actor system keeps a
  /// reference to it, so it is declared before (destroyed after) `sys`.
  std::unique_ptr<node_config> cfg;
  registry actors;
  std::unique_ptr<caf::actor_system> sys;
  std::optional<endpoint> bound;
  /// Whether every link is mutual TLS (CAF's openssl module; internal/tls.hpp).
  bool tls = false;
  std::optional<peer> joined;
  caf::actor spawner;
  std::mutex factories_mtx;
  std::unordered_map<std::string, actor_factory> factories;

  // The cluster (membership.cpp, names.cpp, node_join.cpp).
  caf::actor membership;
  caf::actor names;
  /// The cluster as the membership actor last published it (`node::members`).
  mutable std::mutex view_mtx;
  std::condition_variable view_changed;
  std::vector<member> view;
  /// The cards of the members up or suspect, this node's included, ordered by node id.
  std::vector<member_card> cards;
  /// Placements made by this node so far (round robin).
  std::atomic<std::uint64_t> placements{0};

  /// How this node introduces itself to others. Waits until the node set it (right after it
  /// started listening: a node that joins this one can ask in between).
  member_card local_card() const {
    std::unique_lock<std::mutex> lock{card_mtx};
    card_set.wait_for(lock, std::chrono::seconds{10}, [this] { return card_ready; });
    return card;
  }

  void set_card(member_card c) {
    {
      std::lock_guard<std::mutex> guard{card_mtx};
      card = std::move(c);
      card_ready = true;
    }
    card_set.notify_all();
  }

  caf::node_id node_id() const {
    return sys->node();
  }

  /// The monitor endpoint and its bound address (internal/monitor.hpp); shared_ptr because
  /// its type is incomplete here.
  std::shared_ptr<monitor::server> monitor;
  /// The simulation running here, for the monitor (`node::sim`).
  sim_board sim;
  std::optional<endpoint> monitor_address;

private:
  mutable std::mutex card_mtx;
  mutable std::condition_variable card_set;
  bool card_ready = false;
  member_card card;
};

/// The node state of `sys`, or nullptr when `sys` was not started by a troupe::node.
node_state* state_of(caf::actor_system& sys) noexcept;

/// Publishes the node's spawner at `ep`; with `announce`, prints `listening on HOST:PORT`
/// (node_network.cpp).
result<void> listen(node_state& st, const endpoint& ep, bool announce);

/// The actor that spawns registered actor types for other nodes (node_spawn.cpp).
behavior spawner(context& self, node_state* st);

/// The actor that keeps the cluster's members (membership.cpp).
behavior membership_actor(context& self, node_state* st);

/// The actor that keeps the cluster's registered names (names.cpp).
behavior names_actor(context& self, node_state* st);

/// Starts the membership and name actors and, with `listen` (given or chosen for a joiner),
/// listens (node_cluster.cpp).
result<void> start_cluster(node_state& st);

/// Tells every member that this node leaves, waiting a bounded time (node_cluster.cpp).
void say_goodbye(node_state& st);

/// Makes SIGTERM and SIGINT say goodbye for the node before the process ends, while the
/// program leaves them their default action (node_signals.cpp).
void track_for_signals(node_state& st);

/// Stops that, at the node's end.
void untrack_for_signals(node_state& st);

/// Spawns the actor type registered as `type` with `args` (node_spawn.cpp).
result<caf::actor> spawn_registered(node_state& st, const std::string& type, caf::message& args);

} // namespace troupe::detail

namespace troupe::detail {

/// Reads one record into an `actor_info` (introspection.cpp).
actor_info read_record(const actor_record& rec);

/// Every live troupe actor of the node `st` now, by id (introspection.cpp).
troupe::snapshot take_snapshot(const node_state& st);

/// This node as the await graph names it: the address it listens on, else CAF's node id
/// (introspection.cpp).
std::string node_label(const node_state& st);

/// Replaces the CAF node ids of `snap`'s awaits on other nodes by those members' addresses.
void name_peer_nodes(troupe::snapshot& snap, const node_state& st);

} // namespace troupe::detail
