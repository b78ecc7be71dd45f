// troupe-top's command line: `troupe-top [--once|--json] [--token-file FILE] HOST:PORT`.
#pragma once

#include <chrono>
#include <string>

#include "client.hpp"

namespace troupe_top {

/// What to show, where, and how to authenticate.
struct top_options {
  /// The monitor endpoint to attach to (any member's).
  endpoint seed;
  /// The bearer token: from --token-file, else TROUPE_MONITOR_TOKEN; empty for none.
  std::string token;
  /// Print one table on stdout and exit (no curses).
  bool once = false;
  /// Print the gathered cluster JSON on stdout and exit.
  bool json = false;
  /// Time between two polls of every member.
  std::chrono::milliseconds interval{1000};
  /// How long one request to one member may take before that member counts as not answering.
  std::chrono::milliseconds timeout{800};
};

/// The outcome of reading the command line: options to run, or a text to print and an exit
/// code (the help text and 0; one line for a bad flag and 2; one line for a bad address or an
/// unreadable token file and 1).
struct parsed {
  top_options options;
  std::string text;
  int exit_code = 0;
  [[nodiscard]] bool run() const noexcept {
    return text.empty();
  }
};

/// Reads `argv` and the token (file or environment).
parsed parse_command_line(int argc, const char* const* argv);

} // namespace troupe_top
