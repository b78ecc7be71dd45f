/// @file
/// `troupe::spawn`: start a coroutine or a behavior as a troupe actor.
#pragma once

#include <functional>
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

// CAF's spawn turns actor pointers among the arguments into handles; a wrapper keeps ours.
struct parent_ref {
  const context* ptr;
};

template <class F, class... Args>
using body_result_t = std::invoke_result_t<F&, context&, Args...>;

template <class F, class... Args>
constexpr const char* kind_of() {
  using R = body_result_t<F, Args...>;
  static_assert(std::is_same_v<R, task<void>> || std::is_same_v<R, behavior>,
                "an actor body is `task<void> f(troupe::context&, Args...)` or "
                "`troupe::behavior f(troupe::context&, Args...)`");
  return std::is_same_v<R, task<void>> ? "coroutine" : "behavior";
}

/// An actor whose body is `fn(self, args...)`: a `task<void>` coroutine, or a function
/// returning the `troupe::behavior` that handles its messages.
template <class F, class... Args>
class function_actor final : public context {
public:
  function_actor(caf::actor_config& cfg, const spawn_options& opts, parent_ref parent, F fn,
                 std::tuple<Args...> args)
    : context(cfg, opts, kind_of<F, Args...>(), parent.ptr),
      fn_(std::move(fn)),
      args_(std::move(args)) {
  }

  caf::behavior make_behavior() override {
    inside_guard guard{*this};
    using R = body_result_t<F, Args...>;
    if constexpr (std::is_same_v<R, task<void>>) {
      auto body = std::apply(
        [this](Args&... xs) { return std::invoke(fn_, static_cast<context&>(*this), std::move(xs)...); },
        args_);
      auto behavior = finish_behavior(caf::behavior{}, true);
      start_root(std::move(body), [this](std::exception_ptr ep) {
        if (ep)
          quit(exception_to_error(ep));
        else
          quit();
      });
      return behavior;
    } else {
      auto user = std::apply(
        [this](Args&... xs) { return std::invoke(fn_, static_cast<context&>(*this), std::move(xs)...); },
        args_);
      return finish_behavior(std::move(user).make(*this), false);
    }
  }

private:
  F fn_;
  std::tuple<Args...> args_;
};

template <class F, class... Args>
void check_body_args() {
  static_assert((!std::is_reference_v<Args> && ...),
                "actor arguments are passed by value; pass handles or shared_ptrs, not "
                "references");
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
  detail::check_body_args<F, Args...>();
  using impl = detail::function_actor<F, Args...>;
  return sys.spawn<impl>(opts, detail::parent_ref{nullptr}, std::move(fn),
                         std::make_tuple(std::move(args)...));
}

/// Spawns a child of `parent` (shown as its parent by introspection), on the parent's worker.
template <class F, class... Args>
caf::actor spawn(context& parent, spawn_options opts, F fn, Args... args) {
  detail::check_body_args<F, Args...>();
  using impl = detail::function_actor<F, Args...>;
  return parent.spawn<impl>(opts, detail::parent_ref{&parent}, std::move(fn),
                            std::make_tuple(std::move(args)...));
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
