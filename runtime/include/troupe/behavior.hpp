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

/// Converts an exception into the error an actor exits with: its `what()` text.
caf::error exception_to_error(std::exception_ptr ep);

template <class V>
task<void> reply_when_done(task<V> t, caf::response_promise rp) {
  if constexpr (std::is_void_v<V>) {
    co_await std::move(t);
    rp.deliver(caf::unit);
  } else {
    rp.deliver(co_await std::move(t));
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
      self.start_root(reply_when_done(f(std::move(xs)...), rp),
                      [&self, rp](std::exception_ptr ep) mutable {
                        if (!ep)
                          return;
                        auto err = exception_to_error(ep);
                        rp.deliver(err);
                        self.quit(std::move(err));
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
