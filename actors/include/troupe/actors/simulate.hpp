/// @file
/// `troupe::actors::simulate`: a simulation's `main` in one call, with the driver's flags
/// (checkpoints, restart, boundaries, progress, placement) on its command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <caf/message.hpp>

#include <troupe/actors/driver.hpp>
#include <troupe/actors/restart.hpp>
#include <troupe/node.hpp>
#include <troupe/node_config.hpp>
#include <troupe/result.hpp>

namespace troupe::actors {

/// The driver's command-line flags: `add_to` declares them on a program's configuration,
/// `simulate` applies them.
struct run_options {
  std::string checkpoint_dir;
  std::int64_t checkpoint_every = 0;
  std::string restart;
  bool resume = false;
  std::int64_t boundary_every = 10;
  std::string progress = "auto";
  std::string placement = "block";

  /// Declares --checkpoint-dir, --checkpoint-every, --restart, --resume, --boundary-every,
  /// --progress and --placement on `cfg`, and registers the driver's messages (`add_driver_types`).
  void add_to(node_config& cfg);

  /// Puts the flags into `dc`; an error names the flag that is wrong and what to do.
  result<void> apply(driver_config& dc) const;

  /// With `--restart DIR`, the newest valid checkpoint there for the run `dc` describes (its
  /// label, layout, parts and steps; see `load_restart`); without, nothing. With `--resume`,
  /// the newest valid checkpoint in `--checkpoint-dir` when it holds any, else as without it
  /// (a relaunch by `troupe-run --respawn` resumes where the failed run got to). Errors (no valid
  /// checkpoint, another layout, a checkpoint past the run's `--steps`) are `errc::bad_option`
  /// naming the flag. Blocks while it reads.
  result<std::optional<restart_point>> restart_from(const driver_config& dc) const;
};

/// Runs a simulation from `main` to its end: applies `opts` to `dc`, restarts from the newest
/// valid checkpoint in `--restart DIR` when given (see `load_restart`), starts the driver with
/// `args` for each part and waits for it. Errors name the flag or checkpoint at fault
/// (`errc::bad_option`: nothing ran), or the part that failed.
///
/// ```cpp
/// ta::driver_config dc;
/// dc.type = "wave.tile", dc.parts = 4, dc.steps = 500, dc.layout = "...", dc.label = "wave";
/// if (auto done = ta::simulate(n, opts, dc, caf::make_message(r)); !done)
///   return std::fprintf(stderr, "wave: %s\n", done.error().message().c_str()),
///          done.error() == troupe::errc::bad_option ? 2 : 1;
/// ```
result<driver_summary> simulate(node& n, const run_options& opts, driver_config dc,
                                const caf::message& args);

} // namespace troupe::actors
