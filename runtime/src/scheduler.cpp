#include "internal/scheduler.hpp"

#include <typeinfo>

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
