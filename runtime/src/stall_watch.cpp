// A node's watch on its own stalls (internal/stall_watch.hpp). A plain thread, not a pool job:
// busy workers must not look like a stall, and a stall of the whole process must show.
#include "internal/stall_watch.hpp"

#include <limits>

namespace troupe::detail {

namespace {

constexpr stall_watch::clock::rep never = std::numeric_limits<stall_watch::clock::rep>::min();

stall_watch::clock::rep now_ticks() noexcept {
  return stall_watch::clock::now().time_since_epoch().count();
}

} // namespace

stall_watch::stall_watch(std::chrono::milliseconds period, std::chrono::milliseconds min_stall)
  : period_(period)
  , min_stall_(min_stall)
  , last_wake_(now_ticks())
  , last_stall_end_(never)
  , thread_([this] { run(); }) {
}

stall_watch::~stall_watch() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stop_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
}

void stall_watch::run() {
  std::unique_lock<std::mutex> lock{mtx_};
  for (;;) {
    auto before = clock::now();
    if (stop_cv_.wait_for(lock, period_, [this] { return stop_; }))
      return;
    auto now = clock::now();
    if (now - before - period_ >= min_stall_)
      last_stall_end_.store(now.time_since_epoch().count(), std::memory_order_release);
    last_wake_.store(now.time_since_epoch().count(), std::memory_order_release);
  }
}

bool stall_watch::stalled_within(clock::duration window) const noexcept {
  auto now = now_ticks();
  // Overdue by a stall now: the watch has not woken since.
  auto since_wake = clock::duration{now - last_wake_.load(std::memory_order_acquire)};
  if (since_wake >= period_ + min_stall_)
    return true;
  auto end = last_stall_end_.load(std::memory_order_acquire);
  return end != never && clock::duration{now - end} <= window;
}

} // namespace troupe::detail
