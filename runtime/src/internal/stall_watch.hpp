// Internal: whether this process itself stood still (stopped, or starved of CPU), seen from a
// plain thread outside the pool.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace troupe::detail {

/// A thread that wakes every `period` and records when it woke `min_stall` or more late. A node
/// frozen past CAF's connection timeout finds its links closed when it wakes; membership asks
/// this watch whether it was the one that stood still before it reports anyone down.
class stall_watch {
public:
  using clock = std::chrono::steady_clock;

  explicit stall_watch(std::chrono::milliseconds period = std::chrono::milliseconds{100},
                       std::chrono::milliseconds min_stall = std::chrono::milliseconds{500});
  stall_watch(const stall_watch&) = delete;
  stall_watch& operator=(const stall_watch&) = delete;
  ~stall_watch();

  /// Whether the process stood still for `min_stall` or more at some time within `window`
  /// before now, including a stall still under way (the thread is overdue now): the thread
  /// that asks may run before the watch's thread has woken from the same stall.
  [[nodiscard]] bool stalled_within(clock::duration window) const noexcept;

private:
  void run();

  std::chrono::milliseconds period_;
  std::chrono::milliseconds min_stall_;
  std::atomic<clock::rep> last_wake_;
  std::atomic<clock::rep> last_stall_end_;
  std::mutex mtx_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread thread_;
};

} // namespace troupe::detail
