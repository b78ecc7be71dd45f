// One run of a job: N processes of one program, wired as one cluster, watched until they end.
#pragma once

#include "options.hpp"

namespace troupe_run {

/// Starts the ranks of `opts` (rank 0 first, the others once it listens), relays their output
/// line by line with a rank prefix, passes SIGINT and SIGTERM on, ends the others when one
/// fails, and returns troupe-run's exit code. Expects SIGINT, SIGTERM and SIGCHLD blocked in
/// the calling thread (their signalfd is how it learns of them); the children get them
/// unblocked.
int run_job(const run_options& opts);

} // namespace troupe_run
