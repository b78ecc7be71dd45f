/// @file
/// `troupe::spawn`: start a coroutine or a behavior as a troupe actor.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <troupe/behavior.hpp>
#include <troupe/context.hpp>
#include <troupe/spawn_options.hpp>
#include <troupe/task.hpp>

namespace troupe {

class node;

namespace detail {

template <class F, class... Args>
using body_result_t = std::invoke_result_t<F&, context&, Args...>;

/// The frame of a coroutine actor's body: holds `fn` and `args`, runs `fn(self, args...)` and
/// ends the actor when it returns.
template <class F, class... Args>
root_task run_body(F fn, Args... args) {
  context& self = co_await root_owner{};
  std::exception_ptr ep;
  try {
    co_await std::invoke(fn, self, std::move(args)...);
  } catch (...) {
    ep = std::current_exception();
  }
  self.body_finished(ep);
}

/// The body of a behavior actor: `fn(self, args...)` returns its handlers.
template <class F, class... Args>
class function_body final : public behavior_body {
public:
  function_body(F fn, Args... args) : fn_(std::move(fn)), args_(std::move(args)...) {
  }

  caf::behavior make(context& self) override {
    auto user = std::apply([&](Args&... xs) { return std::invoke(fn_, self, std::move(xs)...); },
                           args_);
    return std::move(user).make(self);
  }

private:
  F fn_;
  std::tuple<Args...> args_;
};

template <class F, class... Args>
actor_body make_body(F fn, Args... args) {
  static_assert((!std::is_reference_v<Args> && ...),
                "actor arguments are passed by value; pass handles or shared_ptrs, not "
                "references");
  using R = body_result_t<F, Args...>;
  static_assert(std::is_same_v<R, task<void>> || std::is_same_v<R, behavior>,
                "an actor body is `task<void> f(troupe::context&, Args...)` or "
                "`troupe::behavior f(troupe::context&, Args...)`");
  if constexpr (std::is_same_v<R, task<void>>)
    return {run_body(std::move(fn), std::move(args)...).handle, "coroutine"};
  else
    return {std::make_unique<function_body<F, Args...>>(std::move(fn), std::move(args)...),
            "behavior"};
}

} // namespace detail

/// Spawns `fn(self, args...)` as a troupe actor of `sys`. `fn` returns `task<void>` (the actor
/// ends when it returns) or `troupe::behavior` (the actor serves messages until it quits).
///
/// ```cpp
/// auto greeter = troupe::spawn(node, {.name = "greeter"},
///   [](troupe::context& self, std::string who) -> troupe::task<> {
///     auto [n] = co_await troupe::receive<int>(self);
///     std::cout << "hello " << who << " #" << n << '\n';
///   }, std::string{"world"});
/// ```
template <class F, class... Args>
caf::actor spawn(caf::actor_system& sys, spawn_options opts, F fn, Args... args) {
  return sys.spawn<context>(opts, detail::make_body(std::move(fn), std::move(args)...),
                            detail::parent_ref{nullptr});
}

/// Spawns a child of `parent` (shown as its parent by introspection), on the parent's worker.
template <class F, class... Args>
caf::actor spawn(context& parent, spawn_options opts, F fn, Args... args) {
  return parent.spawn<context>(opts, detail::make_body(std::move(fn), std::move(args)...),
                               detail::parent_ref{&parent});
}

template <class F, class... Args>
  requires std::invocable<F&, context&, Args&...>
caf::actor spawn(context& parent, F fn, Args... args) {
  return spawn(parent, spawn_options{}, std::move(fn), std::move(args)...);
}

template <class F, class... Args>
  requires std::invocable<F&, context&, Args&...>
caf::actor spawn(caf::actor_system& sys, F fn, Args... args) {
  return spawn(sys, spawn_options{}, std::move(fn), std::move(args)...);
}

} // namespace troupe
