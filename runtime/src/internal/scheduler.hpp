/// @file
/// troupe's scheduler module: CAF's work-stealing coordinator with a leaner worker loop (below)
/// and a clock that spares actors without timeouts a round trip through the clock thread when
/// they end (never installed).
///
/// CAF 0.17 cancels the timeouts of every actor that ends (local_actor::cleanup calls
/// `clock().cancel_timeouts(this)`), and its thread-safe clock turns each call into an event
/// pushed through a mutex-guarded ring buffer and a condition-variable broadcast to the clock
/// thread. Most actors of a simulation never set a timeout, so most of those events cancel
/// nothing; in skynet (10^6 short-lived actors) they made the clock thread wake for each
/// batch of deaths and contend with both workers for the mutex and the cores
/// (docs/PERFORMANCE.md). The clock here forwards everything to CAF's clock, except that it
/// drops the cancellation for a troupe actor that never set a timeout.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <typeinfo>

#include <caf/detail/thread_safe_actor_clock.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/scheduler/coordinator.hpp>
#include <caf/scheduler/worker.hpp>

#include <troupe/detail/actor_record.hpp>
#include <troupe/result.hpp>

namespace troupe::detail {

/// How long one worker has been idle (waiting for a job in `dequeue`), for the monitor's busy
/// ratio. Written only by its worker, and only when its queue was empty: a worker that finds a
/// job at once reads no clock.
struct alignas(64) worker_idle {
  /// Ticks spent idle, up to the last time the worker found a job.
  std::atomic<std::uint64_t> total{0};
  /// When the current idle spell began (ticks), or 0 while the worker runs a job.
  std::atomic<std::uint64_t> since{0};
};

struct stealing;

/// The idle record of `worker` of the troupe coordinator it belongs to (below).
worker_idle& idle_record(caf::scheduler::worker<stealing>* worker) noexcept;

/// CAF's work-stealing policy under troupe's own name, so that troupe's workers get their own
/// scheduling loop (caf::scheduler::worker<stealing>::run, below) and polling (dequeue).
/// Measured (docs/PERFORMANCE.md): yielding in the second phase took spawning 10^6 actors from
/// main from 1.3-1.45x raw CAF's time to 0.8-1.0x and a remote round trip from 130-150 µs to
/// 77-100 µs; a node woken by a 1 ms timer uses 6-7 % of a core instead of 4 %.
struct stealing : caf::policy::work_stealing {
  /// CAF's dequeue, except that in the second polling phase, which troupe runs without sleeps
  /// (node_options.cpp), the worker yields its core every `yield_interval` polls: a thread
  /// that feeds the workers from outside (main spawning actors, the middleman) and shares a
  /// core with a polling worker then runs at once instead of after the worker's time slice.
  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    if (auto* job = d(self).queue.take_head())
      return job;
    auto& idle = idle_record(self);
    auto from = ticks();
    idle.since.store(from, std::memory_order_relaxed);
    auto* job = poll(self);
    idle.since.store(0, std::memory_order_relaxed);
    bump(idle.total, ticks() - from);
    return job;
  }

  template <class Worker>
  caf::resumable* poll(Worker* self) {
    auto& data = d(self);
    for (std::size_t k = 0; k < 2; ++k) {
      auto& strategy = data.strategies[k];
      auto sleeps = strategy.sleep_duration.count() > 0;
      for (std::size_t i = 0; i < strategy.attempts; i += strategy.step_size) {
        if (auto* job = data.queue.take_head())
          return job;
        if (i % strategy.steal_interval == 0)
          if (auto* job = try_steal(self))
            return job;
        if (sleeps)
          std::this_thread::sleep_for(strategy.sleep_duration);
        else if (k == 1 && i % yield_interval == 0)
          std::this_thread::yield();
      }
    }
    // CAF's third phase: block on the worker's condition variable, trying to steal at each
    // relaxed timeout.
    auto& relaxed = data.strategies[2];
    auto& wait = data.waitdata;
    for (std::size_t i = 1;; ++i) {
      bool woken = true;
      {
        std::unique_lock<std::mutex> guard{wait.lock};
        wait.sleeping = true;
        woken =
            wait.cv.wait_for(guard, relaxed.sleep_duration, [&] { return !data.queue.empty(); });
        wait.sleeping = false;
      }
      caf::resumable* job = nullptr;
      if (woken)
        job = data.queue.take_head();
      else if (i % relaxed.steal_interval == 0)
        job = try_steal(self);
      if (job != nullptr)
        return job;
    }
  }

  static constexpr std::size_t yield_interval = 64;
};

/// Forwards to CAF's clock; notes which troupe actors set timeouts, and skips cancelling the
/// timeouts of those that set none. (Derived from CAF's clock only because the coordinator's
/// `clock()` returns that type; the inherited state stays unused, and `now()` is
/// `actor_clock`'s, as for CAF's clock.)
class filtered_clock final : public caf::detail::thread_safe_actor_clock {
public:
  explicit filtered_clock(caf::detail::thread_safe_actor_clock& inner)
    : inner_(inner) {
  }

  void set_ordinary_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                            uint64_t id) override;

  void set_request_timeout(time_point t, caf::abstract_actor* self, caf::message_id id) override;

  void set_multi_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                         uint64_t id) override;

  void cancel_ordinary_timeout(caf::abstract_actor* self, caf::atom_value type) override {
    inner_.cancel_ordinary_timeout(self, type);
  }

  void cancel_request_timeout(caf::abstract_actor* self, caf::message_id id) override {
    inner_.cancel_request_timeout(self, id);
  }

  void cancel_timeouts(caf::abstract_actor* self) override;

  void schedule_message(time_point t, caf::strong_actor_ptr receiver,
                        caf::mailbox_element_ptr content) override {
    inner_.schedule_message(t, std::move(receiver), std::move(content));
  }

  void schedule_message(time_point t, caf::group target, caf::strong_actor_ptr sender,
                        caf::message content) override {
    inner_.schedule_message(t, std::move(target), std::move(sender), std::move(content));
  }

  void cancel_all() override {
    inner_.cancel_all();
  }

private:
  caf::detail::thread_safe_actor_clock& inner_;
};

/// CAF's work-stealing coordinator with troupe's worker loop, whose actors see the filtered clock.
/// Loaded by node::start unless `scheduler.policy` asks for another policy.
class coordinator final : public caf::scheduler::coordinator<stealing> {
public:
  using super = caf::scheduler::coordinator<stealing>;

  explicit coordinator(caf::actor_system& sys)
    : super(sys)
    , clock_(super::clock()) {
  }

  static caf::actor_system::module* make(caf::actor_system& sys, caf::detail::type_list<>) {
    return new coordinator(sys);
  }

  void start() override {
    idle_ = std::make_unique<worker_idle[]>(num_workers());
    started_ = ticks();
    super::start();
  }

  /// Worker `i`'s idle record.
  worker_idle& idle(std::size_t i) noexcept {
    return idle_[i];
  }

  /// Time worker `i` spent running jobs (not idle in `dequeue`) since the pool started.
  std::chrono::nanoseconds busy(std::size_t i) const noexcept;

protected:
  caf::detail::thread_safe_actor_clock& clock() noexcept override {
    return clock_;
  }

private:
  filtered_clock clock_;
  std::unique_ptr<worker_idle[]> idle_;
  std::uint64_t started_ = 0;
};

/// troupe's scheduler of `sys`, or nullptr under another one (CAF's work sharing). A type
/// comparison (`coordinator` is final), cheap enough for every kernel launch.
inline coordinator* troupe_scheduler(caf::actor_system& sys) noexcept {
  auto& s = sys.scheduler();
  return typeid(s) == typeid(coordinator) ? static_cast<coordinator*>(&s) : nullptr;
}

/// Applies `--pin-workers` to the node's workers: `true` pins worker i to the i-th CPU of the
/// process's affinity mask (wrapping around when there are more workers), unset (auto) does so
/// only when there is one worker per CPU of that mask, `false` leaves the placement to the OS.
/// Measured here (docs/PERFORMANCE.md): a kernel starts from an idle pool in 28 µs pinned vs
/// 40-47 µs unpinned; two pinned nodes sharing a 2-core host answer remote requests in 160 µs
/// vs 130 µs, hence off by default. Explicit pinning that cannot be done (work sharing, a
/// refused affinity call) is an error naming the flag; auto mode then pins nothing.
result<void> pin_workers(caf::actor_system& sys, std::optional<bool> wanted);

} // namespace troupe::detail

/// The loop of a troupe worker: CAF's (caf/scheduler/worker.hpp) without what it does per job
/// for a logger that Debian's CAF compiles out. CAF's loop tags the thread with the actor id of
/// every job it resumes, through a dynamic_cast from resumable to abstract_actor (a cross-cast
/// that compares type names with strcmp) and two calls into the logger: about a quarter of
/// ping-pong's samples (perf). Without them ping-pong went from 2.5 to 3.7 M msgs/s on this
/// loop alone (docs/PERFORMANCE.md). With CAF_LOG_LEVEL QUIET nothing reads the tag; a CAF
/// built with logging keeps it.
template <>
void caf::scheduler::worker<troupe::detail::stealing>::run();
