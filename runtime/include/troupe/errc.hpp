/// @file
/// troupe's error codes and the `troupe::error` value that carries one with its message.
#pragma once

#include <string>
#include <system_error>

namespace troupe {

/// Expected failures at troupe's boundaries.
enum class errc : int {
  /// An option given on the command line or in a config file is invalid.
  bad_option = 1,
  /// An awaited reply, message or connection did not arrive in time.
  timeout,
  /// A remote node could not be reached or the connection was lost.
  unreachable,
  /// A message holds a type that was not registered with `add_message_type`.
  type_not_registered,
  /// The receiving actor does not handle the message it was sent.
  unexpected_message,
  /// The actor that was asked has terminated or terminated while being asked.
  actor_exited,
  /// No actor type of that name was registered on the remote node.
  no_such_actor_type,
  /// A request failed for a reason reported by the actor system.
  request_failed,
  /// The reply did not have the type the request awaited.
  wrong_reply_type,
  /// A port could not be opened because it is in use or not permitted.
  port_unavailable,
  /// A coroutine or handler threw; the message holds the exception's text.
  exception,
  /// `--help` was given: the message holds the help text (not a failure).
  help_requested,
};

/// The `std::error_category` of `troupe::errc`.
const std::error_category& error_category() noexcept;

/// Makes a `std::error_code` from a `troupe::errc`.
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

/// An error code with a message that names the input and what to do.
class error {
public:
  error() = default;

  error(std::error_code code, std::string message)
    : code_(code)
    , message_(std::move(message)) {
  }

  error(errc code, std::string message)
    : code_(make_error_code(code))
    , message_(std::move(message)) {
  }

  /// The code, comparable with `troupe::errc` values.
  [[nodiscard]] std::error_code code() const noexcept {
    return code_;
  }

  /// The human-readable message; falls back to the code's description.
  [[nodiscard]] const std::string& message() const noexcept {
    return message_;
  }

  /// `true` when this holds an error.
  explicit operator bool() const noexcept {
    return static_cast<bool>(code_);
  }

  friend bool operator==(const error& x, errc y) noexcept {
    return x.code_ == make_error_code(y);
  }

private:
  std::error_code code_;
  std::string message_;
};

} // namespace troupe

template <>
struct std::is_error_code_enum<troupe::errc> : std::true_type {};
