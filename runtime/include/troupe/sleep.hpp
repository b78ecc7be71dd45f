/// @file
/// `troupe::sleep`: suspend a coroutine for a duration without blocking its worker.
#pragma once

#include <troupe/context.hpp>

namespace troupe {

namespace detail {

/// Awaits a timer; the timer's message resumes the frame inside its actor.
class sleep_awaiter {
public:
  sleep_awaiter(context& self, duration d)
    : self_(&self)
    , duration_(d) {
  }

  bool await_ready() const noexcept {
    return duration_ <= duration::zero();
  }

  void await_suspend(std::coroutine_handle<> frame) {
    token_ = self_->begin_await(frame, {.what = await_info::kind::timer, .timeout = duration_});
    self_->start_timer(token_, duration_); // `infinite`: none, the actor's end wakes nobody
  }

  void await_resume() noexcept {
    if (token_ != 0)
      self_->end_await(token_);
  }

private:
  context* self_;
  duration duration_;
  std::uint64_t token_ = 0;
};

} // namespace detail

/// Suspends the calling coroutine for `d`; the actor serves other messages meanwhile.
/// `troupe::infinite` sleeps until the actor ends (which destroys the suspended frame).
///
/// ```cpp
/// troupe::task<> heartbeat(troupe::context& self, caf::actor boss) {
///   for (;;) {
///     co_await troupe::sleep(self, 100ms);
///     self.send(boss, tick_atom::value);
///   }
/// }
/// ```
inline detail::sleep_awaiter sleep(context& self, duration d) {
  return {self, d};
}

} // namespace troupe
