// The introspection clock: the CPU's time-stamp counter where there is one (x86-64), read in
// a few cycles on every resume and suspend; steady_clock elsewhere.
#include <troupe/detail/actor_record.hpp>

#include <chrono>
#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace troupe::detail {

namespace {

#if defined(__x86_64__)
// TSC ticks per nanosecond, calibrated once against steady_clock over a few milliseconds.
double tsc_per_ns() {
  static const double value = [] {
    auto t0 = std::chrono::steady_clock::now();
    auto c0 = __rdtsc();
    auto until = t0 + std::chrono::milliseconds(5);
    while (std::chrono::steady_clock::now() < until) {
    }
    auto c1 = __rdtsc();
    auto t1 = std::chrono::steady_clock::now();
    auto ns = std::chrono::duration<double, std::nano>(t1 - t0).count();
    return static_cast<double>(c1 - c0) / ns;
  }();
  return value;
}
#endif

} // namespace

std::uint64_t ticks() noexcept {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

std::chrono::nanoseconds ticks_to_ns(std::uint64_t t) noexcept {
#if defined(__x86_64__)
  return std::chrono::nanoseconds{static_cast<std::int64_t>(static_cast<double>(t) / tsc_per_ns())};
#else
  return std::chrono::nanoseconds{static_cast<std::int64_t>(t)};
#endif
}

std::chrono::system_clock::time_point ticks_to_wall(std::uint64_t t) noexcept {
  auto now_ticks = ticks();
  auto now = std::chrono::system_clock::now();
  auto ago = now_ticks > t ? ticks_to_ns(now_ticks - t) : std::chrono::nanoseconds{0};
  return now - std::chrono::duration_cast<std::chrono::system_clock::duration>(ago);
}

} // namespace troupe::detail
