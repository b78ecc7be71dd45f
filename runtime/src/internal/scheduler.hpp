/// @file
/// troupe's scheduling policy: CAF's work stealing, plus a wake-up for idle workers when a busy
/// one queues a backlog for itself (never installed).
///
/// CAF's work stealing signals a blocked worker only for work enqueued from outside (another
/// thread's spawn, the middleman, the clock, a kernel launch). Work that a running worker queues
/// for itself (the actors its messages woke, the children it spawned) stays in its own queue
/// until a blocked worker's relaxed timeout lets it steal: a fan-out (skynet's tree, a
/// scatter to many actors) ran on one core for up to a timeout at a time. Here a worker that
/// queues a job behind another one (a backlog, so not ping-pong's single next actor) wakes one
/// blocked worker, which then steals. When no worker is blocked this costs one relaxed load.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <thread>
#include <utility>

#include <caf/policy/work_stealing.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/coordinator.hpp>

namespace troupe::detail {

class stealing_policy : public caf::policy::work_stealing {
public:
  using super = caf::policy::work_stealing;

  static constexpr std::size_t no_hint = static_cast<std::size_t>(-1);

  struct coordinator_data : super::coordinator_data {
    using super::coordinator_data::coordinator_data;

    /// Workers blocked on their condition variable with no wake-up pending.
    std::atomic<std::size_t> blocked{0};
  };

  struct worker_data : super::worker_data {
    using super::worker_data::worker_data;

    /// Set under `waitdata.lock` to the id of a worker that queued a backlog for this one to
    /// steal from; `no_hint` otherwise.
    std::size_t hint_from = no_hint;
  };

  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    auto& queue = d(self).queue;
    bool backlog = !queue.empty();
    queue.prepend(job);
    if (backlog && self->parent()->data().blocked.load(std::memory_order_relaxed) > 0)
      wake_one(self);
  }

  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    auto& data = d(self);
    // The aggressive and moderate phases mean what CAF's work-stealing keys say they mean.
    for (std::size_t k = 0; k < 2; ++k) {
      auto& phase = data.strategies[k];
      for (std::size_t i = 0; i < phase.attempts; i += phase.step_size) {
        if (auto* job = data.queue.take_head())
          return job;
        if (i % phase.steal_interval == 0)
          if (auto* job = try_steal(self))
            return job;
        if (phase.sleep_duration.count() > 0)
          std::this_thread::sleep_for(phase.sleep_duration);
      }
    }
    // The moderate phase may have polled only its own queue for a while.
    if (auto* job = try_steal(self))
      return job;
    return block(self);
  }

private:
  // Blocks until the worker's own queue has a job, a busy worker hints at a backlog to steal
  // from, or the relaxed timeout passes (then it steals every relaxed-steal-interval rounds).
  template <class Worker>
  caf::resumable* block(Worker* self) {
    auto& data = d(self);
    auto& wait = data.waitdata;
    auto& blocked = self->parent()->data().blocked;
    auto& relaxed = data.strategies[2];
    for (std::size_t round = 1;; ++round) {
      auto hint = no_hint;
      {
        std::unique_lock<std::mutex> guard{wait.lock};
        wait.sleeping = true;
        blocked.fetch_add(1, std::memory_order_relaxed);
        wait.cv.wait_for(guard, relaxed.sleep_duration,
                         [&] { return data.hint_from != no_hint || !data.queue.empty(); });
        wait.sleeping = false;
        hint = std::exchange(data.hint_from, no_hint);
        if (hint == no_hint) // else the hinting worker took this one off the count
          blocked.fetch_sub(1, std::memory_order_relaxed);
      }
      if (auto* job = data.queue.take_head())
        return job;
      if (hint != no_hint)
        if (auto* job = d(self->parent()->worker_by_id(hint)).queue.take_tail())
          return job;
      if (round % relaxed.steal_interval == 0)
        if (auto* job = try_steal(self))
          return job;
    }
  }

  template <class Worker>
  void wake_one(Worker* self) {
    auto* parent = self->parent();
    for (std::size_t i = 0; i < parent->num_workers(); ++i) {
      if (i == self->id())
        continue;
      auto& other = d(parent->worker_by_id(i));
      std::unique_lock<std::mutex> guard{other.waitdata.lock};
      if (other.waitdata.sleeping && other.hint_from == no_hint) {
        other.hint_from = self->id();
        parent->data().blocked.fetch_sub(1, std::memory_order_relaxed);
        other.waitdata.cv.notify_one();
        return;
      }
    }
  }
};

/// The scheduler troupe installs unless `scheduler.policy` asks for CAF's work sharing.
using coordinator = caf::scheduler::coordinator<stealing_policy>;

} // namespace troupe::detail
