/// @file
/// `troupe::actors::at_boundary`: a part's side of the simulation driver's step boundaries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/meta/type_name.hpp>

#include <troupe/actors/group.hpp>
#include <troupe/actors/state_bytes.hpp>
#include <troupe/context.hpp>
#include <troupe/result.hpp>
#include <troupe/task.hpp>

namespace troupe::actors {

/// Named doubles of a simulation (heat2d: `alpha`), in the order the program declared them.
struct parameters {
  std::vector<std::string> names;
  std::vector<double> values;

  /// The value of `name`, or nothing when there is no such parameter.
  [[nodiscard]] std::optional<double> get(std::string_view name) const;

  /// Sets `name` to `value`, adding it when it is new.
  void set(const std::string& name, double value);
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, parameters& x) {
  return f(caf::meta::type_name("troupe::actors::parameters"), x.names, x.values);
}

/// What a part learns from the driver when it starts: its group (its rank, the other parts),
/// the driver, and when boundaries are due.
struct part_link {
  /// All parts of the run in rank order.
  group parts;
  caf::actor driver;
  /// The run's id: boundary messages of other runs never match.
  std::uint64_t run = 0;
  /// The run's last step: always a boundary.
  std::int64_t steps = 0;
  /// Boundaries come after every `every` steps (and after the last).
  std::int64_t every = 1;
  /// The parameters the run starts with (a restarted run: those of its checkpoint).
  parameters initial;
  /// The steps done before this run: 0, or the step of the checkpoint it restarts from. The
  /// part's first step is `first + 1` (`at_boundary` counts steps done).
  std::int64_t first = 0;
  /// A restarted part's state as its checkpoint holds it (empty on a fresh start): read it
  /// back with `restore`.
  part_bytes restored;
  /// Whether this part watches the driver already (set by `at_boundary`).
  bool watching = false;

  /// Whether the end of step `step` is a boundary, the same on every part.
  [[nodiscard]] bool due(std::int64_t step) const noexcept {
    return step == steps || (every > 0 && step % every == 0);
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, part_link& x) {
  return f(caf::meta::type_name("troupe::actors::part_link"), x.parts, x.driver, x.run, x.steps,
           x.every, x.initial, x.first, x.restored);
}

/// Reads a restarted part's state back into `x` (`from_bytes` of what the checkpoint holds
/// for this part): true when it did, false (and `x` untouched) on a fresh start. An error when
/// the bytes do not hold a `State` (a checkpoint of another program or version).
///
/// ```cpp
/// tile_state s = initial_state(...);
/// if (auto r = troupe::actors::restore(link, s); !r) throw
/// std::runtime_error(r.error().message()); for (auto step = link.first; step < link.steps; ++step)
/// { ... }
/// ```
template <class State>
result<bool> restore(part_link& link, State& x) {
  if (link.first == 0 && link.restored.empty())
    return false;
  if (auto read = from_bytes(link.restored, x); !read)
    return error{read.error().code(), "restoring this part's state from its checkpoint (step " +
                                          std::to_string(link.first) +
                                          "): " + read.error().message()};
  part_bytes{}.swap(link.restored); // a field's worth of memory, no longer needed
  return true;
}

/// What the driver tells every part at the boundary after step `step`: the same to all.
struct boundary {
  std::uint64_t run = 0;
  std::int64_t step = 0;
  /// End the run here (the last step, or a stop command).
  bool stop = false;
  /// A checkpoint is taken at this boundary: `at_boundary` with a state sent the part's state
  /// to the driver before it returned.
  bool checkpoint = false;
  /// Parameters changed at this boundary, effective from step `step + 1` on every part.
  parameters changed;
  /// Set when the driver ended: why (the part's await fails with it).
  std::string failure;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, boundary& x) {
  return f(caf::meta::type_name("troupe::actors::boundary"), x.run, x.step, x.stop, x.checkpoint,
           x.changed, x.failure);
}

/// A part's arrival at the boundary after step `step`.
struct boundary_report {
  std::uint64_t run = 0;
  std::int64_t step = 0;
  std::uint64_t rank = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, boundary_report& x) {
  return f(caf::meta::type_name("troupe::actors::boundary_report"), x.run, x.step, x.rank);
}

/// A part's state for the checkpoint at the boundary after `step` (sent by `at_boundary`).
struct checkpoint_piece {
  std::uint64_t run = 0;
  std::int64_t step = 0;
  std::uint64_t rank = 0;
  /// False when the part called `at_boundary` without a state: it cannot be checkpointed.
  bool kept = false;
  part_bytes bytes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkpoint_piece& x) {
  return f(caf::meta::type_name("troupe::actors::checkpoint_piece"), x.run, x.step, x.rank, x.kept,
           x.bytes);
}

/// Registers the driver's messages (and groups) with `cfg`: needed on every node that hosts
/// parts or the driver.
void add_driver_types(caf::actor_system_config& cfg);

/// Called by a part after step `step` (1-based: the number of steps done). At a due boundary
/// (`link.due(step)`) it reports to the driver and resumes with the driver's answer once every
/// part has reported (the driver may hold it there: pause); elsewhere it resumes at once with
/// "go on". Fails naming the driver when the driver ended.
///
/// ```cpp
/// for (std::int64_t step = 0; step < link.steps; ++step) {
///   advance(state);
///   auto at = co_await troupe::actors::at_boundary(self, link, step + 1);
///   if (auto a = at.value().changed.get("alpha")) alpha = *a;
///   if (at.value().stop) break;
/// }
/// ```
task<result<boundary>> at_boundary(context& self, part_link& link, std::int64_t step);

namespace detail {

/// Sends this part's piece of the checkpoint at `step` to the driver.
void send_piece(context& self, const part_link& link, std::int64_t step, bool kept,
                part_bytes bytes);

/// The stateless `at_boundary` without the "no state" piece.
task<result<boundary>> boundary_answer(context& self, part_link& link, std::int64_t step);

} // namespace detail

/// `at_boundary` for a part whose state goes into the run's checkpoints: at a boundary where
/// one is taken, `state` (the part's whole explicit state after step `step`, never a coroutine
/// frame: Decision 8) goes to the driver as `to_bytes(state)` before this resumes. A restarted
/// part reads it back with `restore`. Fails when the state cannot be serialised.
///
/// ```cpp
/// auto at = co_await troupe::actors::at_boundary(self, link, step + 1, state);
/// ```
template <class State>
task<result<boundary>> at_boundary(context& self, part_link& link, std::int64_t step,
                                   const State& state) {
  auto got = co_await detail::boundary_answer(self, link, step);
  if (got && got->checkpoint) {
    auto bytes = to_bytes(state);
    if (!bytes)
      co_return error{bytes.error().code(), "checkpoint at step " + std::to_string(step) + ": " +
                                                bytes.error().message()};
    detail::send_piece(self, link, step, true, std::move(*bytes));
  }
  co_return got;
}

namespace detail {

template <class F, class... Args>
task<void> run_linked_part(context& self, F fn, Args... args) {
  auto link = co_await receive<part_link>(self);
  co_await std::invoke(fn, self, std::move(link), std::move(args)...);
}

} // namespace detail

/// Makes the `actor_factory` of a part type for `node_config::add_actor_type` (on every node):
/// spawns `fn(self, link, args...)` (a `task<void>` coroutine) with `Args` taken from the
/// spawn message, once the driver sent its `part_link`.
///
/// ```cpp
/// cfg.add_actor_type("heat2d.tile", troupe::actors::part_factory<heat2d::params>(run_part));
/// ```
template <class... Args, class F>
actor_factory part_factory(F fn, std::string type = {}) {
  return make_factory<Args...>(
      [fn](context& self, Args... args) {
        return detail::run_linked_part(self, fn, std::move(args)...);
      },
      std::move(type));
}

} // namespace troupe::actors
