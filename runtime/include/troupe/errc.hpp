/// @file
/// troupe's error codes, the `troupe::error` value that carries one with its message, and their
/// CAF forms: a `caf::error` of category `"troupe"` (what an actor exits with and a requester
/// receives) and an `inspect` overload (what crosses nodes as a message).
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>

namespace troupe {

/// Expected failures at troupe's boundaries. The values are part of the wire format (an error
/// crossing nodes carries its value): never renumber, only append.
enum class errc : int {
  /// An option given on the command line or in a config file is invalid.
  bad_option = 1,
  /// An awaited reply, message or connection did not arrive in time.
  timeout = 2,
  /// A remote node could not be reached or the connection was lost.
  unreachable = 3,
  /// A message holds a type that was not registered with `add_message_type`.
  type_not_registered = 4,
  /// The receiving actor does not handle the message it was sent.
  unexpected_message = 5,
  /// The actor that was asked has terminated or terminated while being asked.
  actor_exited = 6,
  /// No actor type of that name was registered on the remote node.
  no_such_actor_type = 7,
  /// A request failed for a reason reported by the actor system.
  request_failed = 8,
  /// The reply did not have the type the request awaited.
  wrong_reply_type = 9,
  /// A port could not be opened because it is in use or not permitted.
  port_unavailable = 10,
  /// A coroutine or handler threw; the message holds the exception's text.
  exception = 11,
  /// `--help` was given: the message holds the help text (not a failure).
  help_requested = 12,
  /// An error of a category this node does not know came from another node; the message names
  /// that category and the error's value there.
  foreign_category = 13,
  /// A name is registered in the cluster already; the message names its holder.
  name_taken = 14,
  /// No actor is registered in the cluster under that name.
  no_such_name = 15,
  /// No simulation runs on this node to show or steer (troupe/sim_board.hpp).
  no_simulation = 16,
};

/// The enumerator's name, e.g. `"timeout"`.
const char* to_string(errc e) noexcept;

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

  /// The human-readable message (empty when none was given; `code().message()` describes the
  /// code alone).
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

/// The category of troupe's codes inside a `caf::error`.
inline constexpr caf::atom_value error_category_atom = caf::atom("troupe");

/// A `caf::error` of troupe's category with `text` as its context: what an exception in an
/// actor becomes (its exit reason and its requesters' error), and what `context::convert` turns
/// back into `troupe::error{code, text}` on any node. Every `node_config` registers its renderer.
caf::error make_error(errc code, std::string text = {});

namespace detail {

/// The error that `inspect` loads from its wire form (category name, value, message).
error error_from_wire(const std::string& category, std::int32_t value, std::string message);

/// The code and text of a `caf::error` of troupe's category (made by `make_error`).
error from_troupe_category(const caf::error& err);

/// Registers troupe's error category (how the actor system renders it) and `troupe::error` as a
/// message type with `cfg`; called by the `node_config` constructor.
void add_error_types(caf::actor_system_config& cfg);

} // namespace detail

/// Lets a `troupe::error` travel in messages, also to other nodes: its category's name, its value
/// and its message. A category the receiving node does not know (neither troupe's nor the
/// standard library's) arrives as `errc::foreign_category`, its message naming the original.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, error& x) {
  std::string category = x.code().category().name();
  auto value = static_cast<std::int32_t>(x.code().value());
  std::string message = x.message();
  auto load = caf::meta::load_callback([&]() -> caf::error {
    x = detail::error_from_wire(category, value, std::move(message));
    return caf::none;
  });
  return f(caf::meta::type_name("troupe::error"), category, value, message, load);
}

} // namespace troupe

template <>
struct std::is_error_code_enum<troupe::errc> : std::true_type {};
