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
  // One run; a later `--respawn K` relaunches from here while the job fails, up to K times.
  return troupe_run::run_job(parsed.options);
}
