/// @file
/// `troupe::actors::driver`: places a simulation's parts on the nodes it knows, runs their
/// steps, and owns what happens at step boundaries (parameter changes, pause, stop, progress,
/// and the checkpoint seam).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/message.hpp>
#include <caf/meta/type_name.hpp>

#include <troupe/actors/boundary.hpp>
#include <troupe/actors/group.hpp>
#include <troupe/actors/placement.hpp>
#include <troupe/actors/progress.hpp>
#include <troupe/actors/restart.hpp>
#include <troupe/node.hpp>
#include <troupe/result.hpp>

namespace troupe::actors {

/// What a run is: which part type, how many, for how many steps, where, and what is shown.
struct driver_config {
  /// The part type, registered on every node with `part_factory` (`add_actor_type`).
  std::string type;
  /// How many parts (ranks 0..parts-1).
  std::size_t parts = 1;
  /// The run's steps; the last is always a boundary.
  std::int64_t steps = 0;
  /// A boundary after every `every` steps. Each boundary is a round trip of every part to the
  /// driver, ≈5 µs of a step's time on this 2-core machine (heat2d, 64² cells in 2×2 tiles,
  /// 20,000 steps, 2 threads, medians of 7 alternated runs: 19.2 µs a step with a boundary every
  /// step, 15.7 every 10, 14.0 every 100). Every 10 steps keeps it near a percent of a heat2d
  /// step of 256² cells (≈110 µs) while a parameter change or stop waits at most 10 steps.
  std::int64_t every = 10;
  /// Checkpoints go into this directory (none when empty; Decision 11): at boundaries whose
  /// step is a multiple of `checkpoint_every` (itself a multiple of `every`; 0: none there) and
  /// at the run's last boundary (the last step, or a stop). Parts pass their state to
  /// `at_boundary`; the directory keeps the newest two checkpoints.
  std::filesystem::path checkpoint_dir;
  std::int64_t checkpoint_every = 0;
  /// The run's shape as its checkpoints record it ("256x256 cells in 2x2 tiles, dt 1e-05"):
  /// a restart from a checkpoint of another layout is refused. Include every fixed setting
  /// that a restart must not change.
  std::string layout;
  /// Simulation time per step: a checkpoint records the time step·time_step.
  double time_step = 0;
  /// Called (on the driver actor) with a checkpoint's directory once its write completed
  /// while the run goes on; the run's last checkpoint is `driver_summary::last_checkpoint`.
  std::function<void(const std::filesystem::path&)> on_checkpoint;
  /// The run's named parameters and their starting values.
  parameters initial;
  /// How parts spread over the members (`run_members`: this node first, so part 0 always
  /// stays here).
  placement where = placement::block;
  /// How progress is shown on stderr, under the name `label`, which also names the program in
  /// checkpoints (a restart reads only checkpoints of its own program).
  progress_mode progress = progress_mode::off;
  std::string label = "run";
  /// How long a remote node may take to spawn a part.
  std::chrono::milliseconds spawn_timeout = std::chrono::seconds{10};
  /// In a job of N processes (troupe-run, Slurm), how long `start` waits for all N to join.
  std::chrono::milliseconds members_timeout = std::chrono::seconds{30};
};

/// A command to a running driver (`send` it to `driver::handle()`; a `request` gets an error
/// back for an unknown parameter). Takes effect at the next boundary, on every part at once.
struct driver_command {
  enum class kind : std::uint8_t { set, pause, resume, stop };

  kind what = kind::stop;
  std::string name;
  double value = 0;

  /// Sets parameter `name` to `value` from the next boundary on.
  static driver_command set(std::string name, double value) {
    return {kind::set, std::move(name), value};
  }
  /// Holds every part at the next boundary until `resume`.
  static driver_command pause() {
    return {kind::pause, {}, 0};
  }
  static driver_command resume() {
    return {kind::resume, {}, 0};
  }
  /// Ends the run at the next boundary.
  static driver_command stop() {
    return {kind::stop, {}, 0};
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, driver_command& x) {
  return f(caf::meta::type_name("troupe::actors::driver_command"), x.what, x.name, x.value);
}

/// Registers `driver_command` with `cfg` (besides `add_driver_types`), on nodes that send one.
void add_driver_command_type(caf::actor_system_config& cfg);

/// A parameter change as the run applied it: from the boundary after step `step`.
struct applied_change {
  std::int64_t step = 0;
  std::string name;
  double value = 0;
};

/// What a finished run did.
struct driver_summary {
  /// Steps done (fewer than asked after a stop).
  std::int64_t steps = 0;
  bool stopped_early = false;
  std::vector<applied_change> changes;
  /// The parameters at the end.
  parameters final;
  /// The steps done before this run (a restart: its checkpoint's step; else 0).
  std::int64_t first = 0;
  /// The newest checkpoint this run wrote (empty: none).
  std::filesystem::path last_checkpoint;
};

namespace detail {
struct driver_shared;
} // namespace detail

/// A running simulation: its parts (a group) and the actor that drives them.
///
/// `start` spawns the parts by type name on the members of the cluster (`run_members`: in a
/// job of N processes, once all N joined), `placement` says how they spread, sends each its
/// `part_link`, and starts the driver actor. Parts call `at_boundary`
/// after each step; at a due boundary the driver waits for all of them, then answers every part
/// with the same `boundary`: parameters changed since the last one, stop, checkpoint due. A
/// part that ends before the run's end (an exception, a kill, a lost node) ends the others and
/// fails the run with an error naming it (and its node), and the newest checkpoint.
///
/// ```cpp
/// troupe::actors::driver_config dc{.type = "tile", .parts = 4, .steps = 1000};
/// auto run = troupe::actors::driver::start(node, dc, caf::make_message(params));
/// if (!run) return fail(run.error());
/// auto done = run->wait();   // result<driver_summary>: an error names the failed part
/// ```
class driver {
public:
  /// Places and starts the parts (each spawned with `args`) and the driver; with `from` (see
  /// `load_restart`) the parts resume from that checkpoint, with its parameters. Fails naming
  /// the part and node that could not be spawned (the parts spawned so far are ended), a
  /// checkpoint directory that cannot be written, or a checkpoint that does not fit the run.
  static result<driver> start(node& n, const driver_config& cfg, const caf::message& args,
                              std::optional<restart_point> from = std::nullopt);

  /// The driver actor: send it `driver_command`s.
  [[nodiscard]] const caf::actor& handle() const noexcept {
    return actor_;
  }

  /// The parts, in rank order.
  [[nodiscard]] const group& parts() const noexcept {
    return parts_;
  }

  /// The node index of each part among `run_members` (0: this one, then the other members
  /// in node-id order).
  [[nodiscard]] const std::vector<std::size_t>& nodes() const noexcept {
    return nodes_;
  }

  /// Blocks (a non-actor thread) until the run ends, at most `timeout`: what it did, or why it
  /// failed (naming the part), or `errc::timeout` when it still runs. Once the run ended it
  /// waits for the last checkpoint's write, whose failure fails the run.
  result<driver_summary> wait(duration timeout = infinite);

private:
  driver(node& n, caf::actor a, group g, std::vector<std::size_t> nodes,
         std::shared_ptr<detail::driver_shared> shared)
    : node_(&n)
    , actor_(std::move(a))
    , parts_(std::move(g))
    , nodes_(std::move(nodes))
    , shared_(std::move(shared)) {
  }

  node* node_;
  caf::actor actor_;
  group parts_;
  std::vector<std::size_t> nodes_;
  std::shared_ptr<detail::driver_shared> shared_;
};

} // namespace troupe::actors
