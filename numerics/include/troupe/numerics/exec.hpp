/// @file
/// `troupe::numerics::exec`: where a numerics kernel runs, and how one kernel body serves both
/// the synchronous call (`actor_system&`, `node&`) and the awaited one (`context&`).
#pragma once

#include <concepts>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include <Eigen/Core>
#include <caf/actor_system.hpp>

#include <troupe/assert.hpp>
#include <troupe/context.hpp>
#include <troupe/detail/await_argument.hpp>
#include <troupe/detail/kernel.hpp>
#include <troupe/node.hpp>
#include <troupe/parallel_for.hpp>
#include <troupe/result.hpp>
#include <troupe/task.hpp>

#include <troupe/numerics/errc.hpp>

namespace troupe::numerics {

/// What a kernel can run on: an actor (`context`, the call is `co_await`ed), a `node` or a
/// `caf::actor_system` (the call returns when done; the calling thread runs chunks too).
template <class On>
concept place = std::derived_from<On, context> || std::same_as<std::remove_cv_t<On>, node> ||
    std::derived_from<On, caf::actor_system>;

/// Whether a kernel called on `On` is awaited (`On` is an actor) rather than synchronous.
template <class On>
inline constexpr bool awaited_on = std::derived_from<On, context>;

/// What a kernel called on `On` returns: `task<result<T>>` to `co_await` at once inside an
/// actor, else `result<T>`. A task refers to the kernel's arguments: await it in the same
/// full-expression (`co_await gemm(self, a, b, c)`), never store it past their lifetime.
template <class On, class T>
using returns = std::conditional_t<awaited_on<On>, task<result<T>>, result<T>>;

/// An Eigen dense object or expression (a plain matrix or array, a Map, a block), as an
/// output argument: plain objects by lvalue, blocks and Maps also as temporaries.
template <class D>
concept dense = std::derived_from<std::remove_cvref_t<D>, Eigen::DenseBase<std::remove_cvref_t<D>>>;

namespace detail {

template <class F>
class for_each_awaiter;

} // namespace detail

/// The pool a kernel body splits its work over, seen from where the kernel was called.
///
/// Kernel bodies are coroutines that `co_await ex.for_each(...)`. Called synchronously, that
/// await runs `troupe::parallel_for(system, ...)` on the spot and never suspends; awaited
/// from an actor, it suspends the actor's coroutine while the chunks run on the workers.
class exec {
public:
  /// Synchronous kernels on `sys`'s workers.
  explicit exec(caf::actor_system& sys) noexcept
    : sys_(&sys) {
  }

  /// Synchronous kernels on `n`'s workers.
  explicit exec(node& n) noexcept
    : sys_(&n.system()) {
  }

  /// Kernels awaited by the actor `self`.
  explicit exec(context& self) noexcept
    : sys_(&self.home_system())
    , self_(&self) {
  }

  /// Whether the kernel suspends an actor's coroutine (else it runs synchronously).
  [[nodiscard]] bool awaited() const noexcept {
    return self_ != nullptr;
  }

  [[nodiscard]] caf::actor_system& system() const noexcept {
    return *sys_;
  }

  /// The number of worker threads of the pool.
  [[nodiscard]] std::size_t workers() const noexcept {
    return troupe::detail::worker_count(*sys_);
  }

  /// Runs `f(i)` or `f(begin, end)` over [first, last) on the pool; `co_await` the result
  /// right away (it is a prvalue awaitable). On g++ 12 a lambda that owns its captures must be
  /// named first and passed by name (troupe/detail/await_argument.hpp).
  template <class F>
  detail::for_each_awaiter<std::decay_t<F>> for_each(std::size_t first, std::size_t last, F&& f,
                                                     kernel_options opts = {}) const {
    static_assert(
        troupe::detail::safe_callable_argument<F&&>,
        "g++ 12 frees the captures of a lambda written inside `co_await ex.for_each(...)` "
        "twice (a compiler bug, troupe/detail/await_argument.hpp): name it first and pass it "
        "by name: `auto body = [=](std::size_t i) {...}; co_await ex.for_each(first, last, "
        "body);`, or capture only by reference");
    return {*this, first, last, std::forward<F>(f), opts};
  }

  /// Runs `f(c, begin, end)` for each chunk `c` of a split of [0, n) into `chunks` pieces:
  /// chunk c covers [c*n/chunks, (c+1)*n/chunks), whatever the thread count. On g++ 12 a
  /// lambda that owns its captures must be named first and passed by name, as for `for_each`.
  template <class F>
  auto for_chunks(std::size_t n, std::size_t chunks, F&& f, const char* name) const {
    static_assert(
        troupe::detail::safe_callable_argument<F&&>,
        "g++ 12 frees the captures of a lambda written inside `co_await ex.for_chunks(...)` "
        "twice (a compiler bug, troupe/detail/await_argument.hpp): name it first and pass it "
        "by name: `auto body = [=](std::size_t c, std::size_t b, std::size_t e) {...}; "
        "co_await ex.for_chunks(n, chunks, body, name);`, or capture only by reference");
    TROUPE_ASSERT(chunks >= 1 && chunks <= (n == 0 ? 1 : n), "for_chunks: bad chunk count");
    auto each = [f = std::decay_t<F>(std::forward<F>(f)), n, chunks](std::size_t c) mutable {
      f(c, c * n / chunks, (c + 1) * n / chunks);
    };
    // Built here, outside any co_await expression: no g++ 12 temporary to guard against.
    return detail::for_each_awaiter<decltype(each)>{*this, 0, chunks, std::move(each),
                                                    kernel_options{.name = name, .chunks = chunks}};
  }

private:
  template <class F>
  friend class detail::for_each_awaiter;

  caf::actor_system* sys_;
  context* self_ = nullptr;
};

namespace detail {

/// Awaits `troupe::parallel_for` from an actor, or runs it synchronously in `await_resume`.
template <class F>
class for_each_awaiter {
public:
  for_each_awaiter(exec ex, std::size_t first, std::size_t last, F f, kernel_options opts)
    : ex_(ex)
    , first_(first)
    , last_(last)
    , f_(std::move(f))
    , opts_(opts) {
  }

  bool await_ready() const noexcept {
    return !ex_.awaited() || first_ >= last_;
  }

  void await_suspend(std::coroutine_handle<> frame) {
    // The body is this awaiter's member, not a temporary of the user's co_await expression:
    // the inner awaiter takes it over directly, without troupe::parallel_for's g++ 12 guard
    // (for_each checked the user's argument).
    inner_.emplace(*ex_.self_, first_, last_, std::move(f_), opts_);
    inner_->await_suspend(frame);
  }

  void await_resume() {
    if (inner_)
      inner_->await_resume();
    else if (!ex_.awaited())
      troupe::parallel_for(*ex_.sys_, first_, last_, f_, opts_);
  }

private:
  using inner_type = troupe::detail::parallel_for_awaiter<F>;

  exec ex_;
  std::size_t first_;
  std::size_t last_;
  F f_;
  kernel_options opts_;
  std::optional<inner_type> inner_;
};

/// Runs a coroutine to completion on the calling thread: drives a synchronous kernel body.
struct sync_driver {
  struct promise_type {
    sync_driver get_return_object() noexcept {
      return {};
    }
    std::suspend_never initial_suspend() const noexcept {
      return {};
    }
    std::suspend_never final_suspend() const noexcept {
      return {};
    }
    void return_void() const noexcept {
    }
    void unhandled_exception() const noexcept {
      std::terminate();
    }
  };
};

template <class T>
sync_driver drive(task<T>& t, std::optional<T>& out, std::exception_ptr& failure) {
  try {
    out.emplace(co_await std::move(t));
  } catch (...) {
    failure = std::current_exception();
  }
}

/// Runs the kernel body `t` synchronously and returns its value (or rethrows its exception).
template <class T>
T run_now(task<T> t) {
  std::optional<T> out;
  std::exception_ptr failure;
  drive(t, out, failure);
  TROUPE_ASSERT(out || failure, "a synchronous numerics kernel suspended");
  if (failure)
    std::rethrow_exception(failure);
  return std::move(*out);
}

/// The `exec` for a kernel called on `on`.
template <place On>
exec make_exec(On& on) noexcept {
  if constexpr (awaited_on<On>)
    return exec{static_cast<context&>(on)};
  else if constexpr (std::same_as<std::remove_cv_t<On>, node>)
    return exec{on};
  else
    return exec{static_cast<caf::actor_system&>(on)};
}

/// Hands the kernel body to the caller: the task itself when awaited, else its result now.
template <place On, class T>
returns<On, T> finish(task<result<T>> body) {
  if constexpr (awaited_on<On>)
    return body;
  else
    return run_now(std::move(body));
}

/// Chunks for element-wise kernels: several per worker, as `troupe::parallel_for` does.
inline std::size_t elementwise_chunks(const exec& ex, std::size_t n) noexcept {
  return troupe::detail::default_chunks(n, ex.workers());
}

} // namespace detail

} // namespace troupe::numerics
