// The introspection clock: the CPU's time-stamp counter where there is one (x86-64), read in
// a few cycles on every resume and suspend; steady_clock elsewhere.
#include <troupe/detail/actor_record.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <new>

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

const std::uint64_t* latency_bounds() noexcept {
  static const auto bounds = [] {
    std::array<std::uint64_t, latency_buckets - 1> out{};
    double ns = 1000; // 1 µs
    for (auto& b : out) {
#if defined(__x86_64__)
      b = static_cast<std::uint64_t>(ns * tsc_per_ns());
#else
      b = static_cast<std::uint64_t>(ns);
#endif
      ns *= 10;
    }
    return out;
  }();
  return bounds.data();
}

actor_metrics* metrics_of(actor_record& rec) noexcept {
  auto* m = rec.metrics.load(std::memory_order_acquire);
  if (m != nullptr)
    return m;
  auto* made = new (std::nothrow) actor_metrics;
  if (made == nullptr)
    return nullptr;
  if (rec.metrics.compare_exchange_strong(m, made, std::memory_order_acq_rel))
    return made;
  delete made; // another sender made them first
  return m;
}

void sample_wait(actor_record& rec, const void* element, std::uint64_t n) noexcept {
  if (n % wait_sample_every != 0)
    return;
  auto* m = metrics_of(rec);
  if (m == nullptr)
    return;
  // A marker that no message's address equals, held while the stamp is written.
  static const char claimed = 0;
  auto* cur = m->wait_sample.load(std::memory_order_relaxed);
  if (cur != nullptr &&
      n - m->wait_sample_seq.load(std::memory_order_relaxed) < 16 * wait_sample_every)
    return;
  if (cur == &claimed ||
      !m->wait_sample.compare_exchange_strong(cur, &claimed, std::memory_order_acquire))
    return;
  m->wait_sample_seq.store(n, std::memory_order_relaxed);
  m->wait_sample_at.store(ticks(), std::memory_order_relaxed);
  m->wait_sample.store(element, std::memory_order_release);
}

std::chrono::system_clock::time_point ticks_to_wall(std::uint64_t t) noexcept {
  auto now_ticks = ticks();
  auto now = std::chrono::system_clock::now();
  auto ago = now_ticks > t ? ticks_to_ns(now_ticks - t) : std::chrono::nanoseconds{0};
  return now - std::chrono::duration_cast<std::chrono::system_clock::duration>(ago);
}

} // namespace troupe::detail
