/// @file
/// `troupe::launch`: runs a coroutine as an actor and hands its `co_return` value to plain
/// code (`main`), which waits for it with `job::get`.
#pragma once

#include <concepts>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <caf/actor.hpp>

#include <troupe/context.hpp>
#include <troupe/node.hpp>
#include <troupe/result.hpp>
#include <troupe/spawn.hpp>
#include <troupe/task.hpp>

namespace troupe {

namespace detail {

template <class Task>
struct launched;

template <class T>
struct launched<task<T>> {
  using type = T;
};

/// The value type of the coroutine `fn(self, args...)`.
template <class F, class... Args>
using launched_t = typename launched<std::invoke_result_t<F&, context&, Args...>>::type;

/// What a launched coroutine left: set once by its actor before the actor ends, taken once by
/// the job after the actor ended. A mutex, not CAF's mailbox, orders the two: CAF's queues are
/// invisible to ThreadSanitizer.
template <class T>
class job_outcome {
public:
  void set(result<T> r) {
    std::lock_guard<std::mutex> guard{mtx_};
    outcome_.emplace(std::move(r));
  }

  /// The outcome, if the coroutine finished and nobody took it yet.
  std::optional<result<T>> take() {
    std::lock_guard<std::mutex> guard{mtx_};
    taken_ = taken_ || outcome_.has_value();
    return std::exchange(outcome_, std::nullopt);
  }

  /// Whether an earlier `take` took the outcome.
  bool taken() {
    std::lock_guard<std::mutex> guard{mtx_};
    return taken_;
  }

private:
  std::mutex mtx_;
  std::optional<result<T>> outcome_;
  bool taken_ = false;
};

/// The error an exception becomes at a job's boundary: a `bad_result_access` (a `result`'s
/// `value()` on an error) gives back its error unchanged, any other exception
/// `errc::exception` with its text.
troupe::error exception_error(std::exception_ptr ep);

/// The body of a launched actor: awaits `fn(self, args...)` and stores its value or its
/// exception in `out`. The exception is rethrown after, so it also becomes the actor's exit
/// reason, as for any coroutine actor.
template <class T, class F, class... Args>
task<void> run_job(context& self, std::shared_ptr<job_outcome<T>> out, F fn, Args... args) {
  std::exception_ptr failure;
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::invoke(fn, self, std::move(args)...);
      out->set(result<void>{});
    } else {
      out->set(co_await std::invoke(fn, self, std::move(args)...));
    }
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    out->set(exception_error(failure));
    std::rethrow_exception(failure);
  }
}

} // namespace detail

/// A coroutine running as an actor (see `launch`): plain code waits for its value with `get`.
template <class T>
class [[nodiscard]] job {
public:
  job(caf::actor actor, std::shared_ptr<detail::job_outcome<T>> outcome)
    : actor_(std::move(actor))
    , outcome_(std::move(outcome)) {
  }

  /// The actor that runs the coroutine (to send it messages, monitor or stop it).
  [[nodiscard]] const caf::actor& actor() const noexcept {
    return actor_;
  }

  /// Blocks the calling (non-actor) thread until the coroutine's actor ends, at most
  /// `timeout`, and yields what the coroutine `co_return`ed. Otherwise an error: the one a
  /// `result`'s `value()` threw inside (its code and text), `errc::exception` with the text of
  /// any other exception, `errc::actor_exited` when the actor ended before its coroutine did
  /// (stopped, killed), or `errc::timeout` when it still runs (ask again). The value is taken
  /// once: a second `get` fails.
  result<T> get(duration timeout = infinite) {
    auto ended = detail::await_exit(actor_.home_system(), actor_, timeout);
    if (!ended && ended.error() == errc::timeout)
      return ended.error();
    if (auto out = outcome_->take())
      return std::move(*out);
    if (outcome_->taken())
      return error{errc::actor_exited, "job: an earlier get() took the value already"};
    if (!ended)
      return ended.error();
    return error{errc::actor_exited,
                 detail::actor_label(actor_) + " ended (it quit) before its coroutine returned"};
  }

private:
  caf::actor actor_;
  std::shared_ptr<detail::job_outcome<T>> outcome_;
};

/// Spawns the coroutine `fn(self, args...)` (returning `task<T>`) as an actor of `n` and
/// returns its `job`, from which plain code takes the `co_return` value or the error that
/// ended it. Arguments are taken by value, as for `spawn`.
///
/// ```cpp
/// auto job = troupe::launch(node, [](troupe::context& self) -> troupe::task<double> {
///   co_await troupe::sleep(self, 10ms);
///   co_return 4.2;
/// });
/// troupe::result<double> r = job.get();   // or job.get(5s)
/// ```
template <class F, class... Args>
auto launch(node& n, const spawn_options& opts, F fn, Args... args)
    -> job<detail::launched_t<F, Args...>> {
  using T = detail::launched_t<F, Args...>;
  auto out = std::make_shared<detail::job_outcome<T>>();
  auto actor =
      spawn(n, opts, &detail::run_job<T, F, Args...>, out, std::move(fn), std::move(args)...);
  return {std::move(actor), std::move(out)};
}

// clang-format 14 folds a requires-clause into the declaration's line.
// clang-format off
template <class F, class... Args>
  requires std::invocable<F&, context&, Args...>
auto launch(node& n, F fn, Args... args) {
  return launch(n, spawn_options{}, std::move(fn), std::move(args)...);
}
// clang-format on

} // namespace troupe
