// troupe-run's command line: `troupe-run -n N [--grace SECONDS] [--respawn K] PROGRAM ARGS...`.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace troupe_run {

/// What to start, and how to end it.
struct run_options {
  /// How many processes (ranks 0..ranks-1).
  std::size_t ranks = 0;
  /// PROGRAM as given, for messages.
  std::string program;
  /// PROGRAM's path: as given when it holds a '/', else found in PATH.
  std::string path;
  /// ARGS..., given to every rank before the --listen/--join troupe-run appends.
  std::vector<std::string> args;
  /// How long the other ranks get after SIGTERM, once one failed, before SIGKILL.
  std::chrono::milliseconds grace{3000};
  /// How often a failed job is started again, resuming from its newest checkpoint (ARGS must
  /// hold the program's `--checkpoint-dir DIR`; relaunches get `--resume`).
  std::size_t respawns = 0;
};

/// The outcome of reading the command line: options to run, or a text to print and an exit
/// code (the help text and 0, or one line saying what is wrong and 2).
struct parsed {
  run_options options;
  std::string text;
  int exit_code = 0;
  [[nodiscard]] bool run() const noexcept {
    return text.empty();
  }
};

/// Reads `argv`; checks that PROGRAM exists and is executable.
parsed parse_command_line(int argc, const char* const* argv);

} // namespace troupe_run
