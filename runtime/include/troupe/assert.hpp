/// @file
/// `TROUPE_ASSERT`: aborts with a message when an invariant of troupe is broken.
#pragma once

namespace troupe::detail {

/// Prints `file:line: invariant broken: what` to stderr and aborts.
[[noreturn]] void assertion_failed(const char* file, int line, const char* what) noexcept;

} // namespace troupe::detail

/// Checks an invariant in every build type; a broken invariant is a bug, never a user error.
#define TROUPE_ASSERT(cond, what)                                                                  \
  do {                                                                                             \
    if (!(cond)) [[unlikely]]                                                                      \
      ::troupe::detail::assertion_failed(__FILE__, __LINE__, what);                                \
  } while (false)
