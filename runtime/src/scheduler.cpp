#include "internal/scheduler.hpp"

#include <cstring>
#include <string>
#include <typeinfo>
#include <vector>

#include <pthread.h>
#include <sched.h>

#include <caf/logger.hpp>

#include <troupe/context.hpp>

namespace troupe::detail {

struct clock_access {
  static void note_timeout(caf::abstract_actor* self) noexcept {
    if (auto* ctx = troupe_actor(self))
      ctx->set_timeouts_ = true;
  }

  static bool without_timeouts(caf::abstract_actor* self) noexcept {
    auto* ctx = troupe_actor(self);
    return ctx != nullptr && !ctx->set_timeouts_;
  }

  // `context` is final: one type check instead of a dynamic_cast. A timeout is set, and
  // cancelled at the end, by the actor itself, on the thread that runs it.
  static context* troupe_actor(caf::abstract_actor* self) noexcept {
    return self != nullptr && typeid(*self) == typeid(context) ? static_cast<context*>(self)
                                                               : nullptr;
  }
};

worker_idle& idle_record(caf::scheduler::worker<stealing>* worker) noexcept {
  // Only troupe's coordinator runs workers with the `stealing` policy.
  return static_cast<coordinator*>(worker->parent())->idle(worker->id());
}

std::chrono::nanoseconds coordinator::busy(std::size_t i) const noexcept {
  auto now = ticks();
  auto& rec = idle_[i];
  auto idle = rec.total.load(std::memory_order_relaxed);
  auto since = rec.since.load(std::memory_order_relaxed);
  if (since != 0 && since < now)
    idle += now - since;
  auto elapsed = now > started_ ? now - started_ : 0;
  return ticks_to_ns(elapsed > idle ? elapsed - idle : 0);
}

void filtered_clock::set_ordinary_timeout(time_point t, caf::abstract_actor* self,
                                          caf::atom_value type, uint64_t id) {
  clock_access::note_timeout(self);
  inner_.set_ordinary_timeout(t, self, type, id);
}

void filtered_clock::set_request_timeout(time_point t, caf::abstract_actor* self,
                                         caf::message_id id) {
  clock_access::note_timeout(self);
  inner_.set_request_timeout(t, self, id);
}

void filtered_clock::set_multi_timeout(time_point t, caf::abstract_actor* self,
                                       caf::atom_value type, uint64_t id) {
  clock_access::note_timeout(self);
  inner_.set_multi_timeout(t, self, type, id);
}

void filtered_clock::cancel_timeouts(caf::abstract_actor* self) {
  if (clock_access::without_timeouts(self))
    return;
  inner_.cancel_timeouts(self);
}

namespace {

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set))
        cpus.push_back(c);
  return cpus;
}

// Restricts `t` to `cpus`; returns pthread's error number (0 on success).
int restrict_thread(std::thread& t, const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (auto c : cpus)
    CPU_SET(c, &set);
  return pthread_setaffinity_np(t.native_handle(), sizeof set, &set);
}

} // namespace

result<void> pin_workers(caf::actor_system& sys, std::optional<bool> wanted) {
  if (wanted == false)
    return {};
  auto* ws = troupe_scheduler(sys);
  if (ws == nullptr) {
    if (wanted == true)
      return error{errc::bad_option, "--pin-workers true needs troupe's work-stealing scheduler "
                                     "(scheduler.policy stealing, the default)"};
    return {};
  }
  auto cpus = allowed_cpus();
  auto workers = ws->num_workers();
  if (cpus.empty() || (!wanted && cpus.size() != workers))
    return {}; // auto: pin only a node that has one worker per CPU it may use
  for (std::size_t i = 0; i < workers; ++i) {
    auto cpu = cpus[i % cpus.size()];
    if (auto rc = restrict_thread(ws->worker_by_id(i)->get_thread(), {cpu}); rc != 0) {
      for (std::size_t k = 0; k < i; ++k) // leave no worker pinned and the others free
        restrict_thread(ws->worker_by_id(k)->get_thread(), cpus);
      if (!wanted)
        return {};
      return error{errc::bad_option, "--pin-workers: cannot pin worker " + std::to_string(i) +
                                         " to CPU " + std::to_string(cpu) + " (" +
                                         std::strerror(rc) + "); use --pin-workers false"};
    }
  }
  return {};
}

} // namespace troupe::detail

template <>
void caf::scheduler::worker<troupe::detail::stealing>::run() {
  CAF_SET_LOGGER_SYS(&system());
  for (;;) {
    auto* job = policy_.dequeue(this);
#if CAF_LOG_LEVEL >= CAF_LOG_LEVEL_ERROR
    CAF_PUSH_AID_FROM_PTR(dynamic_cast<abstract_actor*>(job));
#endif
    policy_.before_resume(this, job);
    auto res = job->resume(this, max_throughput_);
    policy_.after_resume(this, job);
    switch (res) {
      case resumable::resume_later:
        // The job keeps its reference and goes to the end of this worker's queue.
        policy_.resume_job_later(this, job);
        break;
      case resumable::done:
        policy_.after_completion(this, job);
        intrusive_ptr_release(job);
        break;
      case resumable::awaiting_message:
        // Whoever sends it a message schedules it again.
        intrusive_ptr_release(job);
        break;
      case resumable::shutdown_execution_unit:
        policy_.after_completion(this, job);
        policy_.before_shutdown(this);
        return;
    }
  }
}
