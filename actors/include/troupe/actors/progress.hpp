/// @file
/// `troupe::actors::progress`: how far a run is, on stderr (never on stdout).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include <troupe/result.hpp>

namespace troupe::actors {

/// How a run shows its progress (`--progress auto|bar|lines|off`).
enum class progress_mode {
  /// A bar when stderr is a terminal, else lines.
  automatic,
  /// One line redrawn in place (carriage returns): step/total, steps/s, ETA.
  bar,
  /// One plain line every few seconds, and one at the end.
  lines,
  /// Nothing.
  off,
};

/// Parses auto, bar, lines or off; an error names the flag and the accepted words.
result<progress_mode> parse_progress(const std::string& text);

/// Shows a run's progress on a stream (stderr unless told otherwise). Results belong on stdout,
/// progress on stderr, so a program's output stays clean when piped.
///
/// ```cpp
/// troupe::actors::progress shown{"heat2d", troupe::actors::progress_mode::automatic, steps};
/// for (std::int64_t s = 1; s <= steps; ++s) { advance(); shown.update(s); }
/// shown.finish(steps);
/// ```
class progress {
public:
  /// Progress of `label`'s run of `total` steps, shown as `mode` says (`automatic` looks at
  /// whether `to` is a terminal). Lines come at most every `every`.
  progress(std::string label, progress_mode mode, std::int64_t total, std::FILE* to = stderr,
           std::chrono::milliseconds every = std::chrono::seconds{5});

  progress(const progress&) = delete;
  progress& operator=(const progress&) = delete;

  /// The mode in use (`automatic` resolved).
  [[nodiscard]] progress_mode mode() const noexcept {
    return mode_;
  }

  /// Counts `unit`s instead of steps ("task": "task 5/100 ... tasks/s").
  void counting(std::string unit) {
    unit_ = std::move(unit);
  }

  /// Notes that the run resumed with `step` steps done (a restart): rates and the ETA count
  /// only the steps done since.
  void resumed_at(std::int64_t step) noexcept {
    first_ = step;
  }

  /// Notes that `step` steps are done: redraws the bar (at most ten times a second) or prints a
  /// line when one is due.
  void update(std::int64_t step);

  /// Notes the run's end after `step` steps: the bar's final state and a newline, or a last line.
  void finish(std::int64_t step);

private:
  using clock = std::chrono::steady_clock;

  std::string describe(std::int64_t step, bool done) const;

  std::string label_;
  std::string unit_ = "step";
  progress_mode mode_;
  std::int64_t total_;
  std::int64_t first_ = 0;
  std::FILE* to_;
  std::chrono::milliseconds every_;
  clock::time_point started_ = clock::now();
  clock::time_point last_ = started_;
  bool finished_ = false;
};

} // namespace troupe::actors
