/// @file
/// `troupe::behavior`: message handlers of an actor, any of which may be a coroutine.
#pragma once

#include <exception>
#include <functional>
#include <type_traits>
#include <utility>

#include <caf/behavior.hpp>
#include <caf/response_promise.hpp>
#include <caf/unit.hpp>

#include <troupe/context.hpp>
#include <troupe/detail/callable.hpp>
#include <troupe/task.hpp>

namespace troupe {

namespace detail {

/// Converts an exception into the error an actor exits with: `errc::exception` with its `what()`
/// text, or for a `bad_result_access` of one of troupe's codes that code and text.
caf::error exception_to_error(std::exception_ptr ep);

/// The reply a coroutine handler owes: delivered when it finishes, or, if its frame is
/// destroyed first (the actor ended while it was suspended), the actor's exit reason.
class owed_reply {
public:
  owed_reply(context& self, caf::response_promise rp)
    : self_(&self)
    , rp_(std::move(rp)) {
  }

  owed_reply(const owed_reply&) = delete;
  owed_reply& operator=(const owed_reply&) = delete;

  ~owed_reply() {
    if (rp_.pending())
      rp_.deliver(self_->exit_reply());
  }

  template <class... Ts>
  void deliver(Ts&&... xs) {
    rp_.deliver(std::forward<Ts>(xs)...);
  }

private:
  context* self_;
  caf::response_promise rp_;
};

template <class V>
task<void> reply_when_done(context& self, task<V> t, caf::response_promise rp) {
  owed_reply owed{self, std::move(rp)};
  try {
    if constexpr (std::is_void_v<V>) {
      co_await std::move(t);
      owed.deliver(caf::unit);
    } else {
      owed.deliver(co_await std::move(t));
    }
  } catch (...) {
    // The requester gets the exception's error; the root then ends the actor with it.
    owed.deliver(exception_to_error(std::current_exception()));
    throw;
  }
}

template <class F, class... A>
auto wrap_handler(context& self, F f, type_list<A...>) {
  using R = typename callable_traits<F>::result_type;
  if constexpr (!is_task<R>::value) {
    return f;
  } else {
    static_assert((!std::is_reference_v<A> && ...),
                  "a coroutine handler takes its arguments by value: a reference would dangle "
                  "once the handler suspends");
    return [&self, f = std::move(f)](A... xs) -> caf::result<caf::message> {
      auto rp = self.make_response_promise();
      // The frame refers to `f`'s captures, which live in this behavior as long as the actor.
      self.start_root(reply_when_done(self, f(std::move(xs)...), rp),
                      [&self](std::exception_ptr ep) {
                        if (ep)
                          self.quit(exception_to_error(ep));
                      });
      return rp;
    };
  }
}

} // namespace detail

/// The message handlers of an actor. A handler returning `task<R>` is a coroutine: it replies
/// with its `R` when it finishes, and the actor serves other messages while it is suspended.
///
/// ```cpp
/// troupe::behavior cache(troupe::context& self, caf::actor backend) {
///   return {
///     [&self, backend](std::string key) -> troupe::task<int> {
///       auto v = co_await troupe::request<int>(self, backend, 1s, key);
///       co_return v ? *v : -1;
///     },
///     [](int x) { return x * 2; },   // plain handlers work as in CAF
///   };
/// }
/// ```
/// Coroutine handlers take their arguments by value; an exception escaping one ends the actor
/// with the exception's text as exit reason (and the requester sees the error).
class behavior {
public:
  behavior() = default;

  template <class... Fs>
  requires(sizeof...(Fs) > 0) behavior(Fs... fs)
    : make_([... fs = std::move(fs)](context& self) mutable {
      return caf::behavior{detail::wrap_handler(self, std::move(fs),
                                                typename detail::callable_traits<Fs>::args{})...};
    }) {
  }

  /// Builds the CAF behavior for `self` (called once, when the actor starts).
  caf::behavior make(context& self) && {
    return make_ ? make_(self) : caf::behavior{};
  }

private:
  std::function<caf::behavior(context&)> make_;
};

} // namespace troupe
