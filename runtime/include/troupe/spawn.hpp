/// @file
/// `troupe::spawn`: start a coroutine or a behavior as a troupe actor.
#pragma once

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

/// A coroutine body's function object with state: the frame refers to it, so the actor keeps
/// it until the end.
template <class F>
class stored_function final : public body_storage {
public:
  explicit stored_function(F fn)
    : fn(std::move(fn)) {
  }

  F fn;
};

/// The body of a behavior actor: `fn(self, args...)` returns its handlers.
template <class F, class... Args>
class function_body final : public body_storage {
public:
  function_body(F& fn, Args&... args)
    : fn_(std::move(fn))
    , args_(std::move(args)...) {
  }

  caf::behavior make(context& self) override {
    auto user =
        std::apply([&](Args&... xs) { return std::invoke(fn_, self, std::move(xs)...); }, args_);
    return std::move(user).make(self);
  }

private:
  F fn_;
  std::tuple<Args...> args_;
};

/// Creates the body of `self` from the spawner's function and arguments (see actor_body).
template <class F, class... Args>
void make_body(context& self, void* ptr) {
  auto& refs = *static_cast<std::pair<F*, std::tuple<Args*...>>*>(ptr);
  F* fn = refs.first; // no structured bindings: clang 14 cannot capture them
  auto& args = refs.second;
  if constexpr (std::is_same_v<body_result_t<F, Args...>, task<void>>) {
    // Calling a coroutine creates its frame, suspended, with the arguments moved into it.
    auto call = [&](F& f) {
      return std::apply([&](Args*... xs) { return std::invoke(f, self, std::move(*xs)...); }, args);
    };
    if constexpr (std::is_pointer_v<F> || std::is_empty_v<F>) {
      // The frame needs nothing of `fn` (an empty lambda's frame keeps a pointer to the
      // closure, which nothing reads).
      self.set_body(call(*fn), nullptr);
    } else {
      auto kept = std::make_unique<stored_function<F>>(std::move(*fn));
      auto body = call(kept->fn);
      self.set_body(std::move(body), std::move(kept));
    }
  } else {
    auto body = std::apply(
        [&](Args*... xs) { return std::make_unique<function_body<F, Args...>>(*fn, *xs...); },
        args);
    self.set_body({}, std::move(body));
  }
}

template <class F, class... Args>
caf::actor spawn_body(caf::actor_system& sys, context* parent, const spawn_options& opts, F& fn,
                      Args&... args) {
  static_assert((!std::is_reference_v<Args> && ...),
                "actor arguments are passed by value; pass handles or shared_ptrs, not "
                "references");
  using R = body_result_t<F, Args...>;
  static_assert(std::is_same_v<R, task<void>> || std::is_same_v<R, behavior>,
                "an actor body is `task<void> f(troupe::context&, Args...)` or "
                "`troupe::behavior f(troupe::context&, Args...)`");
  std::pair<F*, std::tuple<Args*...>> refs{&fn, {&args...}};
  actor_body body{&make_body<F, Args...>, &refs,
                  std::is_same_v<R, task<void>> ? "coroutine" : "behavior"};
  if (parent != nullptr)
    return parent->spawn<context>(opts, body, parent_ref{parent});
  return sys.spawn<context>(opts, body, parent_ref{nullptr});
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
caf::actor spawn(caf::actor_system& sys, const spawn_options& opts, F fn, Args... args) {
  return detail::spawn_body(sys, nullptr, opts, fn, args...);
}

/// Spawns a child of `parent` (shown as its parent by introspection), on the parent's worker.
template <class F, class... Args>
caf::actor spawn(context& parent, const spawn_options& opts, F fn, Args... args) {
  return detail::spawn_body(parent.home_system(), &parent, opts, fn, args...);
}

// clang-format 14 folds a requires-clause into the declaration's line.
// clang-format off
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
// clang-format on

} // namespace troupe
