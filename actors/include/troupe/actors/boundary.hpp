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
  /// The parameters the run starts with.
  parameters initial;
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
           x.every, x.initial);
}

/// What the driver tells every part at the boundary after step `step`: the same to all.
struct boundary {
  std::uint64_t run = 0;
  std::int64_t step = 0;
  /// End the run here (the last step, or a stop command).
  bool stop = false;
  /// The seam for checkpoints: the driver wants each part's explicit state at this boundary
  /// (the checkpoint store collects it; parts that keep no checkpoint ignore it).
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
