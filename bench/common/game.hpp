/// @file
/// `bench::game`: the clock of a round-trip benchmark (ping-pong, request/reply, receive).
#pragma once

#include <cstdint>
#include <future>

#include "bench.hpp"

namespace bench {

/// One game: the actor that counts rounds calls `on_round(n)` for the n-th answer. The clock
/// runs from round `warmup` to round `warmup + rounds`, so start-up costs stay out of it.
struct game {
  std::int64_t warmup;
  std::int64_t rounds;
  clock::time_point start;
  std::promise<double> seconds;

  /// Returns true when the game is over (and `seconds` holds its time).
  bool on_round(std::int64_t n) {
    if (n == warmup)
      start = clock::now();
    if (n < warmup + rounds)
      return false;
    seconds.set_value(seconds_since(start));
    return true;
  }
};

} // namespace bench
