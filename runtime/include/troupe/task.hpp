/// @file
/// `troupe::task<T>`: the lazy coroutine type of troupe's actors.
#pragma once

#include <coroutine>
#include <exception>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace troupe {

template <class T = void>
class task;

/// Thrown at `co_await` of a task that holds no coroutine (default-constructed or moved from),
/// like cppcoro's `broken_promise`.
class broken_task : public std::logic_error {
public:
  broken_task()
    : std::logic_error("awaited a troupe::task that holds no coroutine (default-constructed or "
                       "moved from); await the task a coroutine call returned") {
  }
};

namespace detail {

/// State shared by all task promises: who to resume when done, and a stored exception.
class task_promise_base {
public:
  // Symmetric transfer: the finishing task hands its thread straight to its awaiter instead of
  // resuming it recursively, so long chains of `co_await task` use constant stack.
  struct final_awaiter {
    bool await_ready() const noexcept {
      return false;
    }

    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
      auto& p = self.promise();
      if (p.on_done_ != nullptr) {
        p.on_done_(p.on_done_arg_); // may destroy this frame: touch nothing after it
        return std::noop_coroutine();
      }
      return p.continuation_;
    }

    void await_resume() const noexcept {
    }
  };

  std::suspend_always initial_suspend() const noexcept {
    return {};
  }

  final_awaiter final_suspend() const noexcept {
    return {};
  }

  void unhandled_exception() noexcept {
    exception_ = std::current_exception();
  }

  void set_continuation(std::coroutine_handle<> h) noexcept {
    continuation_ = h;
  }

  /// Runs the task as a root that nobody awaits: when it finishes, `f(arg)` runs instead of
  /// resuming an awaiter, and may destroy the frame (troupe runs actor bodies this way).
  void on_done(void (*f)(void*) noexcept, void* arg) noexcept {
    on_done_ = f;
    on_done_arg_ = arg;
  }

  /// The exception the coroutine ended with, if any.
  [[nodiscard]] std::exception_ptr exception() const noexcept {
    return exception_;
  }

protected:
  void rethrow_if_exception() const {
    if (exception_)
      std::rethrow_exception(exception_);
  }

private:
  std::coroutine_handle<> continuation_ = std::noop_coroutine();
  std::exception_ptr exception_;
  void (*on_done_)(void*) noexcept = nullptr;
  void* on_done_arg_ = nullptr;
};

template <class T>
class task_promise : public task_promise_base {
public:
  task<T> get_return_object() noexcept;

  template <class U>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    value_.template emplace<T>(std::forward<U>(value));
  }

  T take() {
    rethrow_if_exception();
    return std::move(*std::get_if<T>(&value_));
  }

private:
  std::variant<std::monostate, T> value_;
};

template <>
class task_promise<void> : public task_promise_base {
public:
  task<void> get_return_object() noexcept;

  void return_void() noexcept {
  }

  void take() const {
    rethrow_if_exception();
  }
};

} // namespace detail

/// A lazy coroutine producing a `T`: it starts when awaited and resumes its awaiter when done.
///
/// An exception escaping the coroutine is stored and rethrown at `co_await`. A task owns its
/// frame: destroying a task (or the suspended coroutine holding it) destroys the frame.
///
/// ```cpp
/// troupe::task<int> answer() { co_return 42; }
/// troupe::task<> body(troupe::context& self) {
///   int x = co_await answer();       // runs answer() now, resumes here when it returns
///   self.send(self.parent(), x);
/// }
/// ```
template <class T>
class [[nodiscard]] task {
public:
  using promise_type = detail::task_promise<T>;
  using handle_type = std::coroutine_handle<promise_type>;

  task() noexcept = default;

  explicit task(handle_type h) noexcept
    : handle_(h) {
  }

  task(task&& other) noexcept
    : handle_(std::exchange(other.handle_, {})) {
  }

  task& operator=(task&& other) noexcept {
    if (this != &other) {
      if (handle_)
        handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }

  task(const task&) = delete;
  task& operator=(const task&) = delete;

  ~task() {
    if (handle_)
      handle_.destroy();
  }

  /// `true` when this task holds a coroutine.
  [[nodiscard]] bool valid() const noexcept {
    return static_cast<bool>(handle_);
  }

  /// Awaiting starts the task and yields its result (or rethrows its exception).
  auto operator co_await() && noexcept {
    return awaiter{handle_};
  }

  /// Awaiting a named task works the same; the task still owns (and frees) the frame.
  auto operator co_await() & noexcept {
    return awaiter{handle_};
  }

  /// Releases ownership of the frame (used by troupe to run a task as a root).
  handle_type release() noexcept {
    return std::exchange(handle_, {});
  }

private:
  // A prvalue pointing at the frame: copies (g++ 12 copies lvalue awaiters) share the state.
  struct awaiter {
    handle_type handle;

    bool await_ready() const noexcept {
      return !handle || handle.done();
    }

    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
      handle.promise().set_continuation(awaiting);
      return handle;
    }

    T await_resume() {
      if (!handle)
        throw broken_task{};
      return handle.promise().take();
    }
  };

  handle_type handle_;
};

namespace detail {

template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
  return task<T>{std::coroutine_handle<task_promise<T>>::from_promise(*this)};
}

inline task<void> task_promise<void>::get_return_object() noexcept {
  return task<void>{std::coroutine_handle<task_promise<void>>::from_promise(*this)};
}

template <class T>
struct is_task : std::false_type {};

template <class T>
struct is_task<task<T>> : std::true_type {
  using value_type = T;
};

} // namespace detail

} // namespace troupe
