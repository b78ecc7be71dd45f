/// @file
/// `troupe::request`: send a request and await its reply, with a timeout.
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/message.hpp>
#include <optional>

#include <troupe/context.hpp>
#include <troupe/result.hpp>

namespace troupe {

namespace detail {

/// Awaits the reply of type `R` to a request; yields `result<R>`, never hangs past its timeout.
///
/// The awaiter holds only the actor and a token; the reply lives in the actor's pending table,
/// so a copy of the awaiter (g++ 12 copies lvalue awaiters) still sees it.
template <class R>
class request_awaiter {
public:
  request_awaiter(context& self, caf::strong_actor_ptr dest, duration timeout, caf::message msg)
    : self_(&self), dest_(std::move(dest)), timeout_(timeout), msg_(std::move(msg)) {
  }

  bool await_ready() noexcept {
    if (!dest_) {
      early_ = error{errc::actor_exited, "request to an invalid actor handle"};
      return true;
    }
    if (auto ok = self_->check_portable(dest_, msg_); !ok) {
      early_ = ok.error();
      return true;
    }
    return false;
  }

  void await_suspend(std::coroutine_handle<> frame) {
    auto token = self_->begin_await(
      frame, {.what = await_info::kind::reply, .peer = dest_->id(), .timeout = timeout_});
    token_ = token;
    auto self = self_;
    remote_ = dest_->node() != self->home_system().node();
    self->count_sent();
    auto t = timeout_ == infinite ? caf::infinite : caf::duration{timeout_};
    auto dest = caf::actor_cast<caf::actor>(dest_);
    auto on_error = [self, token](caf::error& err) {
      if (auto p = self->find_await(token))
        p->failure = std::move(err);
      self->resume_await(token);
    };
    if constexpr (std::is_void_v<R>) {
      self->detail::actor_core::request(dest, t, std::move(msg_))
        .then([self, token] { self->resume_await(token); }, std::move(on_error));
    } else {
      self->detail::actor_core::request(dest, t, std::move(msg_))
        .then(
          [self, token](R&) {
            // Take the reply message itself rather than copying the value into a new one.
            if (auto p = self->find_await(token))
              p->payload = self->current_mailbox_element()->move_content_to_message();
            self->resume_await(token);
          },
          std::move(on_error));
    }
  }

  result<R> await_resume() {
    if (early_)
      return *early_;
    auto* p = self_->find_await(token_);
    TROUPE_ASSERT(p != nullptr, "request resumed without its pending entry");
    auto failure = std::move(p->failure);
    auto payload = std::move(p->payload);
    self_->end_await(token_);
    auto what = "request to actor " + std::to_string(dest_->id());
    if (failure)
      return self_->convert(failure, what, remote_);
    if constexpr (std::is_void_v<R>)
      return {};
    else
      return std::move(payload.get_mutable_as<R>(0));
  }

private:
  context* self_;
  caf::strong_actor_ptr dest_;
  duration timeout_;
  caf::message msg_;
  std::uint64_t token_ = 0;
  bool remote_ = false;
  std::optional<error> early_;
};

} // namespace detail

/// Sends `xs...` to `dest` as a request and awaits a reply of type `R` for at most `timeout`.
///
/// Yields `result<R>`: the reply, or an error (`errc::timeout`, `errc::actor_exited`,
/// `errc::unexpected_message`, `errc::type_not_registered`, ...). Never hangs past `timeout`.
///
/// ```cpp
/// troupe::task<> body(troupe::context& self, caf::actor adder) {
///   auto sum = co_await troupe::request<int>(self, adder, 1s, 2, 3);
///   if (!sum) { std::cerr << sum.error().message() << '\n'; co_return; }
///   std::cout << *sum << '\n';   // 5
/// }
/// ```
template <class R, class Dest, class... Ts>
detail::request_awaiter<R> request(context& self, const Dest& dest, duration timeout,
                                   Ts&&... xs) {
  return {self, caf::actor_cast<caf::strong_actor_ptr>(dest), timeout,
          caf::make_message(std::forward<Ts>(xs)...)};
}

} // namespace troupe
