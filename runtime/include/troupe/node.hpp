/// @file
/// `troupe::node`: one process of a simulation — its actor system, pool, network and monitor.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/node_id.hpp>

#include <troupe/endpoint.hpp>
#include <troupe/node_config.hpp>
#include <troupe/result.hpp>
#include <troupe/snapshot.hpp>
#include <troupe/spawn.hpp>

namespace troupe {

struct member;
struct placement;
class sim_board;

/// A remote node this node joined: its id and the actor that spawns troupe actors there.
struct peer {
  caf::node_id id;
  caf::actor spawner;
};

/// One process of a simulation: owns the CAF actor system (one work-stealing pool, one worker
/// per core by default), its listening port or joined peer, and the live-actor registry.
///
/// Destroying the node ends every troupe actor still alive (suspended coroutines included),
/// closes its ports and joins the workers: when `main` returns, nothing hangs (see
/// `shutdown`).
class node {
public:
  /// Starts a node from `cfg` after `cfg.parse_args` (or with its defaults). The node owns
  /// its configuration from then on (see `config()`). With `listen` set, prints
  /// `listening on HOST:PORT` (the bound port) as a line to stdout first.
  ///
  /// ```cpp
  /// troupe::node_config cfg{"sim"};
  /// cfg.threads = 4;
  /// auto n = troupe::node::start(std::move(cfg));
  /// ```
  static result<node> start(node_config cfg);

  /// Parses `argv` into `cfg`, then starts the node.
  static result<node> start(node_config cfg, int argc, const char* const* argv);

  node(node&&) noexcept;
  node& operator=(node&&) noexcept;
  ~node();

  /// The CAF actor system.
  [[nodiscard]] caf::actor_system& system() const noexcept;

  /// The configuration the node started with (the node's own, moved in at its start).
  [[nodiscard]] const node_config& config() const noexcept;

  /// The number of worker threads.
  [[nodiscard]] std::size_t threads() const noexcept;

  /// The thread ids of the workers (for checks that work stays on the pool).
  [[nodiscard]] std::vector<std::thread::id> worker_threads() const;

  /// The address this node listens on (with the bound port), if any.
  [[nodiscard]] std::optional<endpoint> listening() const;

  /// The address of this node's monitor endpoint (with the bound port), unless
  /// `--monitor off` (docs/MONITOR.md).
  [[nodiscard]] std::optional<endpoint> monitor_address() const;

  /// The peer joined with `--join`, if any.
  [[nodiscard]] const std::optional<peer>& joined() const noexcept;

  /// Joins the cluster of the node listening at `where`, retrying until `timeout`: connects to
  /// it and then to every member it knows (full mesh); yields that node as a peer. A member
  /// that cannot be reached is named in a warning on stderr and left out.
  result<peer> join(const endpoint& where, std::chrono::milliseconds timeout);

  /// Every member of the cluster this node knows, itself included, ordered by node id (see
  /// troupe/cluster.hpp for states and events).
  [[nodiscard]] std::vector<member> members() const;

  /// Blocks until at least `n` members (this node included) are up or suspect.
  result<void> await_members(std::size_t n, duration timeout) const;

  /// Registers `who` under `name` in the cluster (see troupe/names.hpp); blocks the calling
  /// (non-actor) thread.
  result<void> register_name(const std::string& name, const caf::actor& who, duration timeout);

  /// The actor registered as `name` in the cluster; with `wait`, waits until one is, else
  /// `errc::no_such_name` at once.
  result<caf::actor> lookup(const std::string& name, duration timeout, bool wait = false);

  /// Registers `factory` under `type`, so that `spawn_remote(type)` from other nodes and
  /// `spawn_named(type)` here can start it. Types needed as soon as the node listens or joins
  /// belong in `node_config::add_actor_type` instead, which registers them before.
  void add_actor_type(std::string type, actor_factory factory);

  /// Spawns an actor registered with `add_actor_type` here.
  result<caf::actor> spawn_named(const std::string& type, caf::message args);

  /// Spawns an actor registered as `type` on `where`; blocks the calling (non-actor) thread.
  result<caf::actor> spawn_remote(const peer& where, const std::string& type, caf::message args,
                                  std::chrono::milliseconds timeout);

  /// Spawns an actor registered as `type` on the member of the cluster that `p` picks (see
  /// troupe/placement.hpp); blocks the calling (non-actor) thread.
  result<caf::actor> spawn_placed(const placement& p, const std::string& type, caf::message args,
                                  std::chrono::milliseconds timeout);

  /// Every live troupe actor now.
  [[nodiscard]] troupe::snapshot snapshot() const;

  /// The simulation this node runs, as its monitor shows and steers it (`/api/v1/sim`; see
  /// troupe/sim_board.hpp).
  [[nodiscard]] sim_board& sim() const noexcept;

  /// Blocks the calling (non-actor) thread until `who` ends, at most `timeout`. Yields nothing
  /// when it ended normally, else its exit reason as an error: `errc::exception` with the
  /// text of the exception that ended it (the code and text of a troupe error whose
  /// `result::value()` threw), `errc::unreachable` when it was on another node whose
  /// connection broke or timed out, `errc::actor_exited` naming another reason (killed,
  /// stopped), or `errc::timeout` when it still runs. An actor that ended already answers at
  /// once. (To collect a coroutine's `co_return` value, see `launch`.)
  ///
  /// ```cpp
  /// auto worker = troupe::spawn(node, work, 42);
  /// if (auto ended = node.wait(worker, 10s); !ended)
  ///   std::cerr << ended.error().message() << '\n';
  /// ```
  result<void> wait(const caf::actor& who, duration timeout = infinite) const;

  /// Ends the node: asks every troupe actor to exit (also those spawned meanwhile by dying
  /// ones), waits for them and for the CAF actors it did not make, then stops the actor system.
  /// The destructor calls it.
  ///
  /// Waits at most `node_config::shutdown_timeout_s` (`--shutdown-timeout`, default 5 s).
  /// When something still runs then (an actor that ignores exit messages, a kernel chunk or
  /// handler that does not return), it names each straggler on stderr (troupe actors with what
  /// they await, the number of other CAF actors, running kernels) and ends the process with
  /// exit code 3: CAF cannot destroy an actor system while its actors run, so the alternative
  /// would be to hang.
  void shutdown();

private:
  explicit node(std::unique_ptr<detail::node_state> state);

  std::unique_ptr<detail::node_state> state_;
};

namespace detail {

/// "actor 'name' (id 7)", for messages about `who`.
std::string actor_label(const caf::actor& who);

/// The exit reason `reason` of the actor `label` names as troupe's error: a troupe actor's
/// exception keeps its code and text, a lost link to its node is `errc::unreachable`, anything
/// else is `errc::actor_exited`; each names the actor.
troupe::error exit_error(caf::actor_system& sys, const std::string& label,
                         const caf::error& reason);

/// Blocks until `who` ends or `timeout` passes; its exit reason as an error (`node::wait`).
result<void> await_exit(caf::actor_system& sys, const caf::actor& who, duration timeout);

} // namespace detail

/// Spawns `fn(self, args...)` on `n` (see `spawn(caf::actor_system&, ...)`).
template <class F, class... Args>
caf::actor spawn(node& n, spawn_options opts, F fn, Args... args) {
  return spawn(n.system(), std::move(opts), std::move(fn), std::move(args)...);
}

template <class F, class... Args>
requires std::invocable<F&, context&, Args&...> caf::actor spawn(node& n, F fn, Args... args) {
  return spawn(n.system(), spawn_options{}, std::move(fn), std::move(args)...);
}

/// Makes an `actor_factory` that spawns `fn(self, args...)` with `Args` taken from the message.
template <class... Args, class F>
actor_factory make_factory(F fn, std::string type = {}) {
  return [fn = std::move(fn), type = std::move(type)](caf::actor_system& sys,
                                                      caf::message& msg) -> caf::actor {
    if (!msg.match_elements<Args...>())
      return {};
    return [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      return spawn(sys, spawn_options{.name = {}, .type = type}, fn, msg.get_as<Args>(Is)...);
    }
    (std::index_sequence_for<Args...>{});
  };
}

/// The usual `main`: parses options into `cfg` (printing `--help`), starts a node that takes
/// `cfg` over (moved from: read the node's `config()` in `body`), runs `body`, and turns
/// errors into one line on stderr (`program: message`): exit code 2 for bad options (also a
/// port that cannot be bound), 1 else.
int run(node_config& cfg, int argc, const char* const* argv, std::function<int(node&)> body);

} // namespace troupe
