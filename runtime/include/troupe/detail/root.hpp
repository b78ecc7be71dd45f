/// @file
/// The root coroutine of one run of a coroutine handler (an actor's coroutine body is a root
/// of its own: see `task_promise_base::on_done`).
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

} // namespace detail

} // namespace troupe
