/// @file
/// Per-actor introspection counters, written by the actor and read by `node::snapshot()`.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_addr.hpp>

#include <troupe/snapshot.hpp>

namespace troupe::detail {

class kernel_state;

/// A test-and-test-and-set lock; held for a few instructions by the actor and by snapshots.
class spinlock {
public:
  void lock() noexcept {
    while (flag_.exchange(true, std::memory_order_acquire))
      while (flag_.load(std::memory_order_relaxed))
        std::this_thread::yield();
  }

  void unlock() noexcept {
    flag_.store(false, std::memory_order_release);
  }

private:
  std::atomic<bool> flag_{false};
};

/// One suspended await as seen by introspection.
struct await_record {
  std::uint64_t token = 0;
  await_info info;
  /// Set for kernels: chunks done are read live from it.
  std::shared_ptr<const kernel_state> kernel;
};

/// Identity and counters of one troupe actor.
struct actor_record {
  std::uint64_t id = 0;
  std::string name;
  std::string type;
  std::uint64_t parent = 0;
  caf::actor_addr parent_addr;
  std::chrono::system_clock::time_point spawned{};

  // Written by senders (other threads): on a line of its own so the actor's counters below do
  // not bounce between cores on every message.
  alignas(64) std::atomic<std::uint64_t> enqueued{0};
  alignas(64) std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> busy_ticks{0};
  std::atomic<bool> running{false};

  mutable spinlock awaits_lock;
  std::vector<await_record> awaits;
};

/// Adds to a counter that only its actor writes: a plain load and store, no locked RMW.
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

using actor_record_ptr = std::shared_ptr<actor_record>;

/// Cheap timestamps for busy time: TSC ticks on x86-64, steady_clock nanoseconds elsewhere.
std::uint64_t ticks() noexcept;

/// Converts a tick difference to nanoseconds.
std::chrono::nanoseconds ticks_to_ns(std::uint64_t ticks) noexcept;

} // namespace troupe::detail
