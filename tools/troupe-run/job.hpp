// One run of a job: N processes of one program, wired as one cluster, watched until they end.
#pragma once

#include "options.hpp"

namespace troupe_run {

/// How a run of the job ended.
struct job_end {
  /// troupe-run's exit code for it: 0, or the first failure's code (128+N for signal N).
  int code = 0;
  /// Whether troupe-run got SIGINT or SIGTERM (the user ended the job: never respawned).
  bool interrupted = false;
};

/// Starts the ranks of `opts` with `args` (rank 0 first, the others once it listens), relays
/// their output line by line with a rank prefix, passes SIGINT and SIGTERM on, ends the others
/// when one fails, and says how the run ended. Expects SIGINT, SIGTERM and SIGCHLD blocked in
/// the calling thread (their signalfd is how it learns of them); the children get them
/// unblocked.
job_end run_job(const run_options& opts, const std::vector<std::string>& args);

} // namespace troupe_run
