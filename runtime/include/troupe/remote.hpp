/// @file
/// Spawning troupe actors on another node from a coroutine.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

#include <troupe/context.hpp>
#include <troupe/detail/await_argument.hpp>
#include <troupe/node.hpp>
#include <troupe/request.hpp>
#include <troupe/result.hpp>

namespace troupe {

/// The message a node's spawner answers with a new actor of a registered type.
using spawn_request_atom = caf::atom_constant<caf::atom("t_spawn")>;

/// The name under which each node registers its spawner in CAF's registry.
inline constexpr caf::atom_value spawner_name = caf::atom("t_spawner");

namespace detail {

/// The error of a spawner that cannot make the requested actor: its text says why.
inline caf::error spawn_refused(std::string why) {
  return caf::make_error(caf::sec::cannot_spawn_actor_from_arguments, std::move(why));
}

/// The error of a `spawn_remote` of `type` that failed with `failure`, the same for the
/// awaited and the blocking `node::spawn_remote`: a refusal becomes `errc::no_such_actor_type`
/// with the remote node's explanation, no answer `errc::timeout`, a node gone
/// `errc::unreachable`.
troupe::error spawn_remote_error(caf::actor_system& sys, const caf::error& failure,
                                 const std::string& type, duration timeout);

/// Awaits a peer's spawner's answer to a `spawn_remote`; yields `result<caf::actor>`.
///
/// Unlike a plain request, its errors name the spawn (`spawn_remote_error`).
class spawn_remote_awaiter : reply_await {
public:
  spawn_remote_awaiter(context& self, caf::actor spawner, std::string type, duration timeout,
                       caf::message args)
    : reply_await(self)
    , spawner_(caf::actor_cast<caf::strong_actor_ptr>(spawner))
    , type_(std::move(type))
    , timeout_(timeout)
    , args_(std::move(args)) {
  }

  /// An await that fails at once with `failed` (no node to spawn on).
  spawn_remote_awaiter(context& self, error failed, std::string type)
    : reply_await(self)
    , type_(std::move(type))
    , timeout_(duration::zero()) {
    early_ = error{failed.code(), what() + ": " + failed.message()};
  }

  bool await_ready() {
    if (early_)
      return true;
    if (!spawner_) {
      early_ = error{errc::unreachable, what() + ": not joined to that node (no spawner)"};
      return true;
    }
    if (auto ok = self_->check_portable(spawner_, args_); !ok) {
      early_ = error{ok.error().code(),
                     what() + ": an argument cannot go to another node: " + ok.error().message()};
      return true;
    }
    return false;
  }

  void await_suspend(std::coroutine_handle<> frame) {
    send_request<caf::actor>(frame, spawner_, timeout_,
                             caf::make_message(spawn_request_atom::value, type_, std::move(args_)));
  }

  result<caf::actor> await_resume() {
    if (early_)
      return *early_;
    auto [failure, payload] = take_reply("spawn_remote resumed without its pending entry");
    if (!failure)
      return std::move(payload.get_mutable_as<caf::actor>(0));
    return spawn_remote_error(self_->home_system(), failure, type_, timeout_);
  }

private:
  std::string what() const {
    return "spawn_remote of '" + type_ + "'";
  }

  caf::strong_actor_ptr spawner_;
  std::string type_;
  duration timeout_;
  caf::message args_;
};

} // namespace detail

/// Spawns an actor registered as `type` (with `node_config::add_actor_type`) on the node
/// `where`, with `args...` as its arguments; yields `result<caf::actor>` within `timeout`.
///
/// Fails with `errc::no_such_actor_type` when `where` has no such type or it takes other
/// arguments, `errc::type_not_registered` when an argument's type cannot cross nodes, and
/// `errc::timeout` or `errc::unreachable` when the node does not answer.
///
/// ```cpp
/// troupe::task<> body(troupe::context& self, troupe::peer other) {
///   auto adder = co_await troupe::spawn_remote(self, other, "adder", 5s);
///   if (adder)
///     std::cout << *co_await troupe::request<int>(self, *adder, 1s, 2, 3) << '\n';
/// }
/// ```
template <class... Ts>
detail::spawn_remote_awaiter spawn_remote(context& self, const peer& where, std::string type,
                                          duration timeout, Ts&&... args) {
  detail::check_message_arguments<Ts&&...>();
  return {self, where.spawner, std::move(type), timeout,
          caf::make_message(std::forward<Ts>(args)...)};
}

} // namespace troupe
