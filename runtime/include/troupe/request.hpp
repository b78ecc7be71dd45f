/// @file
/// `troupe::request`: send a request and await its reply, with a timeout.
#pragma once

#include <coroutine>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/message.hpp>

#include <troupe/context.hpp>
#include <troupe/detail/await_argument.hpp>
#include <troupe/result.hpp>

namespace troupe {

namespace detail {

/// What awaiting one reply takes: the await is registered in the actor's pending table under a
/// token, the request goes out through CAF, and its reply or failure lands in the table entry.
/// Awaiters hold only the actor and the token, so a copy of one (g++ 12 copies lvalue
/// awaiters) still sees the reply.
class reply_await {
protected:
  explicit reply_await(context& self)
    : self_(&self) {
  }

  /// Registers the await of `frame` and sends `msg` to `dest` as a request whose reply is an
  /// `R` (`void`: an empty reply).
  template <class R>
  void send_request(std::coroutine_handle<> frame, const caf::strong_actor_ptr& dest,
                    duration timeout, caf::message msg) {
    auto remote = !same_node(dest->node(), self_->home_system().node());
    auto token = self_->begin_await(frame, {.what = await_info::kind::reply,
                                            .peer = dest->id(),
                                            .peer_node = remote ? dest->node() : caf::node_id{},
                                            .timeout = timeout});
    token_ = token;
    auto self = self_;
    self->count_sent();
    auto t = timeout == infinite ? caf::infinite : caf::duration{timeout};
    auto to = caf::actor_cast<caf::actor>(dest);
    auto on_error = [self, token](caf::error& err) {
      if (auto p = self->find_await(token))
        p->failure = std::move(err);
      self->resume_await(token);
    };
    if constexpr (std::is_void_v<R>) {
      self->detail::actor_core::request(to, t, std::move(msg))
          .then([self, token] { self->resume_await(token); }, std::move(on_error));
    } else {
      self->detail::actor_core::request(to, t, std::move(msg))
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

  /// The failure (empty on success) and the reply message; ends the await.
  std::pair<caf::error, caf::message> take_reply(const char* who) {
    auto* p = self_->find_await(token_);
    TROUPE_ASSERT(p != nullptr, who);
    std::pair<caf::error, caf::message> out{std::move(p->failure), std::move(p->payload)};
    self_->end_await(token_);
    return out;
  }

  context* self_;
  std::uint64_t token_ = 0;
  std::optional<error> early_;
};

/// Awaits the reply of type `R` to a request; yields `result<R>`, never hangs past its timeout.
template <class R>
class request_awaiter : reply_await {
public:
  request_awaiter(context& self, caf::strong_actor_ptr dest, duration timeout, caf::message msg)
    : reply_await(self)
    , dest_(std::move(dest))
    , timeout_(timeout)
    , msg_(std::move(msg)) {
  }

  bool await_ready() noexcept {
    if (!dest_) {
      early_ = error{errc::actor_exited, "request to an invalid actor handle"};
      return true;
    }
    // Local requests (the hot path) need neither check: both concern other nodes.
    remote_ = !same_node(dest_->node(), self_->home_system().node());
    if (!remote_)
      return false;
    if (auto ok = self_->check_portable(dest_, msg_); !ok) {
      early_ = ok.error();
      return true;
    }
    if (auto ok = self_->check_alive(dest_); !ok) {
      early_ = ok.error();
      return true;
    }
    return false;
  }

  void await_suspend(std::coroutine_handle<> frame) {
    send_request<R>(frame, dest_, timeout_, std::move(msg_));
  }

  result<R> await_resume() {
    if (early_)
      return *early_;
    auto [failure, payload] = take_reply("request resumed without its pending entry");
    if (failure)
      return self_->convert(failure, "request to actor " + std::to_string(dest_->id()), remote_);
    if constexpr (std::is_void_v<R>)
      return {};
    else // clang 14 takes `payload` for a dependent name here
      return std::move(payload.template get_mutable_as<R>(0));
  }

private:
  caf::strong_actor_ptr dest_;
  duration timeout_;
  caf::message msg_;
  bool remote_ = false;
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
detail::request_awaiter<R> request(context& self, const Dest& dest, duration timeout, Ts&&... xs) {
  detail::check_message_arguments<Ts&&...>();
  return {self, caf::actor_cast<caf::strong_actor_ptr>(dest), timeout,
          caf::make_message(std::forward<Ts>(xs)...)};
}

} // namespace troupe
