/// @file
/// The root coroutine of a chain an actor runs: a coroutine body, or one run of a coroutine
/// handler.
#pragma once

#include <coroutine>
#include <exception>

namespace troupe {

class context;

namespace detail {

/// A root coroutine: created suspended, started by its actor, and on finishing it unlinks
/// itself from its actor's list of suspended roots and frees its own frame.
struct root_task {
  struct promise_type {
    /// The actor that runs this root; set before the first resume.
    context* owner = nullptr;
    // Links of the owner's list of suspended roots.
    std::coroutine_handle<promise_type> prev;
    std::coroutine_handle<promise_type> next;

    root_task get_return_object() noexcept {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }

    std::suspend_always initial_suspend() const noexcept {
      return {};
    }

    struct final_awaiter {
      bool await_ready() const noexcept {
        return false;
      }

      void await_suspend(std::coroutine_handle<promise_type> h) noexcept; // context.cpp

      void await_resume() const noexcept {
      }
    };

    final_awaiter final_suspend() const noexcept {
      return {};
    }

    void return_void() noexcept {
    }

    void unhandled_exception() noexcept {
      // Roots catch everything themselves; reaching this is a bug.
      std::terminate();
    }
  };

  std::coroutine_handle<promise_type> handle;
};

using root_handle = std::coroutine_handle<root_task::promise_type>;

/// `context& self = co_await root_owner{};` inside a root: the actor running it, without
/// suspending.
struct root_owner {
  context* owner = nullptr;

  bool await_ready() const noexcept {
    return false;
  }

  bool await_suspend(root_handle h) noexcept {
    owner = h.promise().owner;
    return false; // resume at once
  }

  context& await_resume() const noexcept {
    return *owner;
  }
};

} // namespace detail

} // namespace troupe
