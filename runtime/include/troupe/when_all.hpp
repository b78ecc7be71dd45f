/// @file
/// `troupe::when_all`: await several awaitables of one actor at once.
#pragma once

#include <array>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <troupe/result.hpp>
#include <troupe/task.hpp>

namespace troupe {

namespace detail {

template <class A>
decltype(auto) get_awaiter(A&& a) {
  if constexpr (requires { std::forward<A>(a).operator co_await(); })
    return std::forward<A>(a).operator co_await();
  else
    return std::forward<A>(a);
}

template <class R>
struct is_result : std::false_type {};

template <class T>
struct is_result<result<T>> : std::true_type {};

/// What `co_await a` yields for an awaitable of type `A`.
template <class A>
using await_result_t = decltype(get_awaiter(std::declval<A>()).await_resume());

/// The value `when_all` reports for an await yielding `R`: a result's value, `std::monostate`
/// for nothing, else `R` itself.
template <class R>
struct when_all_value {
  using type = R;
};

template <>
struct when_all_value<void> {
  using type = std::monostate;
};

template <>
struct when_all_value<result<void>> {
  using type = std::monostate;
};

template <class T>
struct when_all_value<result<T>> {
  using type = T;
};

template <class A>
using when_all_value_t = typename when_all_value<await_result_t<A>>::type;

/// Counts the awaits still running; the last to finish resumes the awaiting coroutine.
struct when_all_latch {
  std::size_t count = 0;
  std::coroutine_handle<> parent;
};

/// One await of a `when_all`, as a coroutine of its own; its frame stays, suspended at its end,
/// until the `when_all` goes.
class when_all_branch {
public:
  struct promise_type {
    when_all_latch* latch = nullptr;

    when_all_branch get_return_object() noexcept {
      return when_all_branch{std::coroutine_handle<promise_type>::from_promise(*this)};
    }

    std::suspend_always initial_suspend() const noexcept {
      return {};
    }

    struct final_awaiter {
      bool await_ready() const noexcept {
        return false;
      }

      std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        auto* l = h.promise().latch;
        return --l->count == 0 ? l->parent : std::noop_coroutine();
      }

      void await_resume() const noexcept {
      }
    };

    final_awaiter final_suspend() const noexcept {
      return {};
    }

    void return_void() const noexcept {
    }

    void unhandled_exception() const noexcept {
      std::terminate(); // branches catch everything themselves
    }
  };

  when_all_branch() = default;

  explicit when_all_branch(std::coroutine_handle<promise_type> h) noexcept
    : h_(h) {
  }

  when_all_branch(when_all_branch&& other) noexcept
    : h_(std::exchange(other.h_, {})) {
  }

  when_all_branch& operator=(when_all_branch&& other) noexcept {
    std::swap(h_, other.h_);
    return *this;
  }

  ~when_all_branch() {
    if (h_) // suspended at its end, or still awaiting (the actor ended): either way, safe
      h_.destroy();
  }

  void start(when_all_latch& latch) {
    h_.promise().latch = &latch;
    h_.resume();
  }

private:
  std::coroutine_handle<promise_type> h_;
};

/// The outcome of one await: its value, or the error it yielded or threw.
template <class A>
struct when_all_slot {
  std::optional<when_all_value_t<A>> value;
  std::optional<error> failure;
};

template <class A>
when_all_branch run_branch(A a, when_all_slot<A>& slot) {
  using R = await_result_t<A>;
  try {
    if constexpr (std::is_void_v<R>) {
      co_await std::move(a);
      slot.value.emplace();
    } else if constexpr (std::is_same_v<R, result<void>>) {
      if (auto r = co_await std::move(a); r)
        slot.value.emplace();
      else
        slot.failure = r.error();
    } else if constexpr (is_result<R>::value) {
      if (auto r = co_await std::move(a); r)
        slot.value.emplace(std::move(*r));
      else
        slot.failure = r.error();
    } else {
      slot.value.emplace(co_await std::move(a));
    }
  } catch (const bad_result_access& e) {
    slot.failure = e.error();
  } catch (const std::exception& e) {
    slot.failure = error{errc::exception, e.what()};
  } catch (...) {
    slot.failure = error{errc::exception, "unknown exception"};
  }
}

/// The error of the first failed await (in argument order), naming it.
inline error when_all_failure(std::size_t index, std::size_t count, const error& e) {
  return {e.code(), "when_all: await " + std::to_string(index + 1) + " of " +
                        std::to_string(count) + " failed: " + e.message()};
}

/// Starts every branch, then suspends until the last one finishes (not at all if all finished
/// at once).
template <std::size_t N>
bool start_branches(when_all_latch& latch, std::array<when_all_branch, N>& branches,
                    std::coroutine_handle<> parent) {
  latch.count = N + 1; // + 1: no branch resumes the parent before it has suspended
  latch.parent = parent;
  for (auto& b : branches)
    b.start(latch);
  return --latch.count != 0;
}

template <class... As>
class when_all_awaiter {
public:
  using value_type = std::tuple<when_all_value_t<As>...>;

  explicit when_all_awaiter(As... as)
    : awaitables_(std::move(as)...) {
  }

  when_all_awaiter(when_all_awaiter&&) = default;
  when_all_awaiter(const when_all_awaiter&) = delete;

  bool await_ready() const noexcept {
    return sizeof...(As) == 0;
  }

  bool await_suspend(std::coroutine_handle<> parent) {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      ((branches_[Is] = run_branch(std::move(std::get<Is>(awaitables_)), std::get<Is>(slots_))),
       ...);
    }
    (std::index_sequence_for<As...>{});
    return start_branches(latch_, branches_, parent);
  }

  result<value_type> await_resume() {
    std::optional<error> failure;
    std::size_t i = 0;
    std::apply(
        [&](auto&... slot) {
          ((!failure && slot.failure
                ? void(failure = when_all_failure(i, sizeof...(As), *slot.failure))
                : void(),
            ++i),
           ...);
        },
        slots_);
    if (failure)
      return *failure;
    return std::apply([](auto&... slot) { return value_type{std::move(*slot.value)...}; }, slots_);
  }

private:
  std::tuple<As...> awaitables_;
  std::tuple<when_all_slot<As>...> slots_;
  when_all_latch latch_;
  std::array<when_all_branch, sizeof...(As)> branches_;
};

template <class A>
class when_all_range_awaiter {
public:
  using value_type = std::vector<when_all_value_t<A>>;

  explicit when_all_range_awaiter(std::vector<A> as)
    : awaitables_(std::move(as))
    , slots_(awaitables_.size()) {
  }

  when_all_range_awaiter(when_all_range_awaiter&&) = default;
  when_all_range_awaiter(const when_all_range_awaiter&) = delete;

  bool await_ready() const noexcept {
    return awaitables_.empty();
  }

  bool await_suspend(std::coroutine_handle<> parent) {
    latch_.count = awaitables_.size() + 1;
    latch_.parent = parent;
    branches_.reserve(awaitables_.size());
    for (std::size_t i = 0; i < awaitables_.size(); ++i)
      branches_.push_back(run_branch(std::move(awaitables_[i]), slots_[i]));
    for (auto& b : branches_)
      b.start(latch_);
    return --latch_.count != 0;
  }

  result<value_type> await_resume() {
    value_type out;
    out.reserve(slots_.size());
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].failure)
        return when_all_failure(i, slots_.size(), *slots_[i].failure);
      out.push_back(std::move(*slots_[i].value));
    }
    return out;
  }

private:
  std::vector<A> awaitables_;
  std::vector<when_all_slot<A>> slots_;
  when_all_latch latch_;
  std::vector<when_all_branch> branches_;
};

} // namespace detail

/// Awaits all of `as...` at once (receives, requests, sleeps, kernels, tasks of this actor) and
/// yields `result<std::tuple<V...>>`: each one's value (a `result<T>`'s `T`; `std::monostate`
/// for none), or the first failure in argument order, naming which await failed ("when_all:
/// await 2 of 4 failed: ..."). Every await runs to its end either way. An exception thrown by
/// one becomes `errc::exception` with its text.
///
/// ```cpp
/// auto both = co_await troupe::when_all(troupe::request<double>(self, a, 1s, x),
///                                       troupe::receive<halo>(self, troupe::where(west)));
/// if (!both) co_return log(both.error().message());
/// auto [y, h] = *both;
/// ```
template <class... As>
detail::when_all_awaiter<As...> when_all(As... as) {
  return detail::when_all_awaiter<As...>{std::move(as)...};
}

/// Awaits all awaitables of a vector at once; yields `result<std::vector<V>>` in their order,
/// or the first failure, naming its index.
template <class A>
detail::when_all_range_awaiter<A> when_all(std::vector<A> as) {
  return detail::when_all_range_awaiter<A>{std::move(as)};
}

} // namespace troupe
