/// @file
/// The shared state of a kernel whose chunks run as jobs on the node's CAF workers.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/execution_unit.hpp>
#include <caf/fwd.hpp>
#include <caf/intrusive_ptr.hpp>

namespace troupe::detail {

/// A range split into `chunks` pieces, claimed one at a time by the threads that run them.
///
/// Each runner (a job, or a blocking caller) owns a contiguous run of chunks and claims from
/// its front; one out of chunks steals from the back of the others' runs. So a runner streams
/// through neighbouring chunks as a static split would, and a late runner's chunks are still
/// taken. Which thread runs a chunk never changes the chunk's range.
///
/// Every chunk index is claimed exactly once, so exactly one thread sees `done` reach `chunks`
/// and calls `on_complete`. Cancellation (the awaiting frame was destroyed) makes claimers skip
/// the body; `cancel_and_wait` returns once no body runs, so a body that captured references
/// into the frame never outlives it.
class kernel_state {
public:
  kernel_state(const char* name, std::size_t first, std::size_t last, std::size_t chunks);

  virtual ~kernel_state();

  kernel_state(const kernel_state&) = delete;
  kernel_state& operator=(const kernel_state&) = delete;

  /// Gives each of `runners` runners (numbered 0 .. runners − 1) its own run of chunks;
  /// `launch_kernel` calls it, once, before any chunk runs.
  void share(std::size_t runners);

  /// Claims and runs chunks, runner `runner`'s own first, until none is left; returns true if
  /// this call finished the kernel.
  bool run_chunks(caf::execution_unit* eu, std::size_t runner) noexcept;

  /// The number of runners `share` set.
  [[nodiscard]] std::size_t runners() const noexcept {
    return runners_;
  }

  /// Stops further chunks from running and waits for running ones to return.
  void cancel_and_wait() noexcept;

  /// Rethrows the first exception a chunk threw, if any.
  void rethrow_if_failed() const;

  [[nodiscard]] const char* name() const noexcept {
    return name_;
  }

  [[nodiscard]] std::size_t chunks() const noexcept {
    return chunks_;
  }

  [[nodiscard]] std::size_t chunks_done() const noexcept {
    return done_.load(std::memory_order_relaxed);
  }

  [[nodiscard]] bool finished() const noexcept {
    return done_.load(std::memory_order_acquire) == chunks_;
  }

  /// Blocks the calling (non-worker) thread until every chunk is done.
  void wait_finished() const noexcept;

  /// Called once, by the thread that finished the last chunk.
  virtual void on_complete(caf::execution_unit* eu) noexcept = 0;

protected:
  /// Runs the body on indices [begin, end).
  virtual void run(std::size_t begin, std::size_t end) = 0;

private:
  /// A runner's unclaimed chunks [low, high), packed as low << 32 | high so that the owner's
  /// claim from the front and a thief's from the back are one compare-and-swap each.
  struct alignas(64) run_of_chunks {
    std::atomic<std::uint64_t> range{0};
  };

  static constexpr std::size_t claim_none = ~std::size_t{0};

  std::size_t claim(std::size_t runner) noexcept;

  const char* name_;
  std::size_t first_;
  std::size_t last_;
  std::size_t chunks_;
  std::size_t runners_ = 1;
  std::unique_ptr<run_of_chunks[]> runs_;
  alignas(64) std::atomic<std::size_t> done_{0};
  std::atomic<int> active_{0};
  std::atomic<bool> cancelled_{false};
  std::once_flag failed_once_;
  std::exception_ptr failure_;
};

/// Starts the jobs that run chunks of `state` on the workers of `sys` beside the caller, at most
/// one per worker and one per chunk.
///
/// A caller that suspends right after the launch (an actor in `co_await`; `caller` is its
/// worker) gets one job at the front of its own worker's queue, started as soon as the actor
/// returns, without a wake-up. Otherwise the calling thread runs chunks itself (blocking
/// `parallel_for`) and the worker it is, if any, gets no job. The other jobs go to the other
/// workers, in turn after the caller's, awake ones first when not every worker gets one.
void launch_kernel(caf::actor_system& sys, const std::shared_ptr<kernel_state>& state,
                   bool caller_suspends, caf::execution_unit* caller = nullptr);

/// The number of worker threads of `sys`'s scheduler.
std::size_t worker_count(caf::actor_system& sys) noexcept;

/// The default number of chunks for `n` indices on `workers` threads.
std::size_t default_chunks(std::size_t n, std::size_t workers) noexcept;

/// The thread ids of `sys`'s workers.
std::vector<std::thread::id> worker_thread_ids(caf::actor_system& sys);

} // namespace troupe::detail
