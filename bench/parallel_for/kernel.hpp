/// @file
/// The kernel every parallel_for peer runs, and the options and output they share.
///
/// A compute-bound map users really run: a damped wave with a log term, three libm calls per
/// element, over 10^7 doubles. Each peer calls the same `wave` in its own idiomatic loop.
/// `wave` is compiled once (wave.cpp, an object library linked into every peer), so all run
/// the same machine code: inlined into each loop, the compiler's layout choices alone made one
/// peer 6% faster on one thread, which would have been measured as a runtime difference.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "common/bench.hpp"

namespace bench::pf {

/// exp(-x²/2)·sin(3x) + 0.1·log1p(x²), out of line (wave.cpp).
double wave(double x) noexcept;

/// The input: n points evenly spread over [-4, 4).
inline std::vector<double> input(std::size_t n) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = -4.0 + 8.0 * static_cast<double>(i) / static_cast<double>(n);
  return x;
}

/// The sum of the output, printed so that a peer computing something else stands out.
inline double checksum(const std::vector<double>& y) {
  double s = 0;
  for (double v : y)
    s += v;
  return s;
}

/// Settings of one invocation of a parallel_for peer.
struct settings {
  std::string mode; ///< "throughput" or "start"
  std::size_t n;
  int runs;      ///< timed kernel runs (throughput) after one warm-up run
  int samples;   ///< start-latency samples after two warm-up samples
  double gap_ms; ///< idle time before each start-latency sample
  unsigned threads;

  static settings parse(const options& opt) {
    return {opt.get("mode", std::string{"throughput"}),
            static_cast<std::size_t>(opt.get("n", 10000000LL)),
            static_cast<int>(opt.get("runs", 3LL)),
            static_cast<int>(opt.get("samples", 15LL)),
            opt.get("gap-ms", 50.0),
            static_cast<unsigned>(opt.get("threads", static_cast<long long>(cores())))};
  }
};

inline const std::vector<std::string_view> option_names{"mode",   "n",       "runs", "samples",
                                                        "gap-ms", "threads", "impl"};

/// Prints the throughput line of one invocation: median elements/s of `runs` kernel runs.
inline void report_throughput(const char* impl, const settings& s, const std::vector<double>& secs,
                              double sum) {
  std::vector<double> per_s;
  for (double t : secs)
    per_s.push_back(static_cast<double>(s.n) / t);
  report("parallel_for", impl, "elements_per_s", per_s, s.threads,
         {{"n", std::to_string(s.n)}, {"checksum", number(sum)}});
}

/// Prints the start-latency lines of one invocation: to the await resuming (or the parallel
/// region ending) and to the last chunk starting, medians over the samples, in µs.
inline void report_start(const char* impl, const settings& s, const std::vector<double>& done_us,
                         const std::vector<double>& started_us) {
  extras more{{"gap_ms", number(s.gap_ms)}};
  report("parallel_for_start", impl, "latency_us", done_us, s.threads, more);
  report("parallel_for_start", impl, "start_latency_us", started_us, s.threads, more);
}

inline double us_between(clock::time_point a, clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

} // namespace bench::pf
