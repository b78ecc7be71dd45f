/// @file
/// A compile-time guard against a g++ 12 coroutine bug that frees memory twice.
///
/// g++ 12 moves a brace-built temporary (a lambda's closure, or an aggregate such as
/// `point{"name", 1}`) written inside a `co_await` expression into the coroutine frame as a
/// bitwise copy, and then destroys both the copy and the original: a capture or member that
/// owns memory (std::string, std::vector, std::shared_ptr, ...) is freed twice, at run time,
/// far from the cause. clang does not, and a named object passed by name is not affected.
/// troupe's awaitable factories (`parallel_for`, `request`, `spawn_remote`) therefore refuse
/// such a temporary at compile time on g++ before 13, with a message saying what to write
/// instead; tests/runtime/await_argument.test.cpp keeps the accepted forms working.
#pragma once

#include <type_traits>

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#define TROUPE_GCC12_AWAIT_TEMPORARIES 1
#else
#define TROUPE_GCC12_AWAIT_TEMPORARIES 0
#endif

namespace troupe::detail {

/// True when `T` (a forwarding reference's deduced type) names an object that a g++ 12
/// co_await expression cannot free twice: an lvalue, or a trivially destructible one.
template <class T>
inline constexpr bool safe_callable_argument =
    !TROUPE_GCC12_AWAIT_TEMPORARIES || std::is_lvalue_reference_v<T> ||
    std::is_trivially_destructible_v<std::remove_cvref_t<T>>;

/// As safe_callable_argument, for message contents: class temporaries built by a constructor
/// (`std::string{...}`, `std::vector<int>(n)`) are safe; brace-built aggregates are not.
template <class T>
inline constexpr bool safe_message_argument =
    safe_callable_argument<T> || !std::is_aggregate_v<std::remove_cvref_t<T>>;

/// Refuses, on g++ before 13, message contents that the bug would free twice (`request`,
/// `spawn_remote`); `Ts` are the factories' forwarding-reference types (`Ts&&...`).
template <class... Ts>
constexpr void check_message_arguments() {
  static_assert(
      (safe_message_argument<Ts> && ...),
      "g++ 12 frees the members of a brace-built struct written inside `co_await "
      "troupe::request<R>(...)` or `co_await troupe::spawn_remote(...)` twice (a compiler "
      "bug, troupe/detail/await_argument.hpp): build the message first and pass it by name: "
      "`my_msg m{...}; co_await troupe::request<R>(self, who, timeout, m);`");
}

} // namespace troupe::detail
