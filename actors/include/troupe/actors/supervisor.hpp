/// @file
/// `troupe::actors::start_supervisor`: restarts the children of a long run when they fail,
/// Erlang-style (one_for_one, one_for_all, rest_for_one, restart intensity).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include <troupe/node.hpp>
#include <troupe/result.hpp>

namespace troupe::actors {

/// Which children a failure restarts.
enum class restart_strategy {
  /// Only the failed child.
  one_for_one,
  /// Every child (the others are ended first), in their order.
  one_for_all,
  /// The failed child and the children after it in the list.
  rest_for_one,
};

/// When a child is restarted.
enum class restart_policy {
  /// Always, also after it ended normally.
  permanent,
  /// Only after it failed (an exception, a kill, a lost node); a normal end is final.
  transient,
  /// Never.
  temporary,
};

/// One child: how to start it (again).
struct child_spec {
  /// Its name in the supervisor's exit reason.
  std::string name;
  /// Starts the child, on this node (`troupe::spawn(n, ...)`, `n.spawn_named(...)`) or another
  /// (`n.spawn_remote(...)`: it blocks the supervisor's worker for the round trip), or a
  /// nested supervisor (`start_supervisor`). Called again for each restart.
  std::function<result<caf::actor>(node&)> start;
  restart_policy restart = restart_policy::transient;
};

/// How a supervisor reacts to failures.
struct supervisor_options {
  std::string name = "supervisor";
  restart_strategy strategy = restart_strategy::one_for_one;
  /// Restart intensity: more than `max_restarts` restarts within `period` and the supervisor
  /// gives up: it ends its children and itself, with the failing child's reason.
  int max_restarts = 3;
  std::chrono::milliseconds period = std::chrono::seconds{5};
};

/// Starts a supervisor of `children` (each started now, in order) and returns it. It ends
/// normally once no child is left to run (all ended normally, none permanent), with an error
/// when the restart intensity is exceeded or a child cannot be started (again): "supervisor
/// 'S': child 'C' failed 4 times within 5000 ms: <the child's exit reason, an exception's
/// text included>". Ending the supervisor (a kill, its own supervisor's restart) ends its
/// children. `node.wait(sup)` gives that outcome.
///
/// ```cpp
/// auto sup = troupe::actors::start_supervisor(node, {.name = "sim"}, {
///     {"monitor", [](troupe::node& n) { return troupe::result<caf::actor>{troupe::spawn(n,
///     monitor)}; }},
/// }).value();
/// ```
result<caf::actor> start_supervisor(node& n, supervisor_options opts,
                                    std::vector<child_spec> children);

/// The supervisor's current children in their order (a child between its end and its
/// restart is an invalid handle). Blocks the calling (non-actor) thread, at most `timeout`.
result<std::vector<caf::actor>> supervised_children(node& n, const caf::actor& supervisor,
                                                    duration timeout = std::chrono::seconds{10});

} // namespace troupe::actors
