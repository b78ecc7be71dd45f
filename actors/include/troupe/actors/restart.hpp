/// @file
/// `troupe::actors::load_restart`: what a simulation driver needs to resume a run from the
/// newest valid checkpoint in a directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include <troupe/actors/boundary.hpp>
#include <troupe/actors/checkpoint.hpp>
#include <troupe/result.hpp>

namespace troupe::actors {

/// A checkpoint read back and verified, ready for `driver::start`.
struct restart_point {
  /// The checkpoint's directory (`DIR/step_N`).
  std::filesystem::path path;
  /// The steps it holds done: the restarted run's first step is `step + 1`.
  std::int64_t step = 0;
  /// The simulation time at that step.
  double time = 0;
  /// The named parameters in force there, in name order.
  parameters values;
  /// Each part's state, by rank.
  std::vector<part_bytes> parts;
};

/// Reads the newest valid checkpoint of `program` in `dir` (`find_latest`: checkpoints passed
/// over are reported through `warn`, one line each) and every part's bytes, for a run of
/// `parts` parts cut as `layout`. Refused, naming the manifest and both layouts, when that
/// checkpoint was written for another layout. Blocks while it reads (call it from `main`).
result<restart_point> load_restart(const std::filesystem::path& dir, std::string_view program,
                                   std::string_view layout, std::size_t parts,
                                   const checkpoint_warning& warn = {});

} // namespace troupe::actors
