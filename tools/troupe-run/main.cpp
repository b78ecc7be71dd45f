// troupe-run: `troupe-run -n N PROGRAM ARGS...` starts N processes of a troupe program on this
// machine, wired as one cluster (see --help).
#include <csignal>
#include <cstdio>
#include <iostream>

#include "job.hpp"
#include "options.hpp"

int main(int argc, char** argv) {
  auto parsed = troupe_run::parse_command_line(argc, argv);
  if (!parsed.run()) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.text << std::flush;
    return parsed.exit_code;
  }
  // Signals arrive through a signalfd in the job's poll loop, never as handlers; a reader of
  // our output that goes away makes writes fail (EPIPE) instead of killing us.
  sigset_t handled;
  sigemptyset(&handled);
  for (int sig : {SIGINT, SIGTERM, SIGCHLD})
    sigaddset(&handled, sig);
  sigprocmask(SIG_BLOCK, &handled, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  const auto& opts = parsed.options;
  auto ended = troupe_run::run_job(opts, opts.args);
  // A failure that is not bad input (exit 2) nor the user's Ctrl-C or SIGTERM: start the job
  // again, resuming from its newest checkpoint.
  auto resumed = opts.args;
  resumed.push_back("--resume");
  for (std::size_t attempt = 1;
       attempt <= opts.respawns && ended.code != 0 && ended.code != 2 && !ended.interrupted;
       ++attempt) {
    std::cerr << "troupe-run: the job failed (exit code " << ended.code << "); starting it again ("
              << attempt << " of " << opts.respawns << ") from its newest checkpoint" << std::endl;
    ended = troupe_run::run_job(opts, resumed);
  }
  return ended.code;
}
