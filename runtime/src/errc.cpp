#include <troupe/errc.hpp>

#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>

#include "internal/tsan.hpp"

namespace troupe {

namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override {
    return "troupe";
  }

  std::string message(int code) const override {
    switch (static_cast<errc>(code)) {
      case errc::bad_option:
        return "invalid option";
      case errc::timeout:
        return "timed out";
      case errc::unreachable:
        return "node unreachable";
      case errc::type_not_registered:
        return "message type not registered";
      case errc::unexpected_message:
        return "unexpected message";
      case errc::actor_exited:
        return "actor exited";
      case errc::no_such_actor_type:
        return "no such actor type";
      case errc::request_failed:
        return "request failed";
      case errc::wrong_reply_type:
        return "reply has the wrong type";
      case errc::port_unavailable:
        return "port unavailable";
      case errc::exception:
        return "exception";
      case errc::help_requested:
        return "help requested";
      case errc::foreign_category:
        return "error of a category unknown to this node";
      case errc::name_taken:
        return "name taken";
      case errc::no_such_name:
        return "no such name";
      case errc::no_simulation:
        return "no simulation";
    }
    return "unknown troupe error";
  }
};

// The context of a troupe-category caf::error is its text alone (see make_error).
std::string text_of(const caf::message& context) {
  // Often read on another thread than make_error's, after CAF's uninstrumented hand-off (an
  // exit reason or an error reply reaching a caf::scoped_actor).
  TROUPE_TSAN_ACQUIRE(context.vals().get());
  if (context.size() == 1 && context.match_element<std::string>(0))
    return context.get_as<std::string>(0);
  return context.empty() ? std::string{} : caf::to_string(context);
}

std::string render(std::uint8_t code, caf::atom_value, const caf::message& context) {
  std::string out = "troupe::";
  out += to_string(static_cast<errc>(code));
  if (auto text = text_of(context); !text.empty())
    out += ": " + text;
  return out;
}

} // namespace

const std::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

const char* to_string(errc e) noexcept {
  switch (e) {
    case errc::bad_option:
      return "bad_option";
    case errc::timeout:
      return "timeout";
    case errc::unreachable:
      return "unreachable";
    case errc::type_not_registered:
      return "type_not_registered";
    case errc::unexpected_message:
      return "unexpected_message";
    case errc::actor_exited:
      return "actor_exited";
    case errc::no_such_actor_type:
      return "no_such_actor_type";
    case errc::request_failed:
      return "request_failed";
    case errc::wrong_reply_type:
      return "wrong_reply_type";
    case errc::port_unavailable:
      return "port_unavailable";
    case errc::exception:
      return "exception";
    case errc::help_requested:
      return "help_requested";
    case errc::foreign_category:
      return "foreign_category";
    case errc::name_taken:
      return "name_taken";
    case errc::no_such_name:
      return "no_such_name";
    case errc::no_simulation:
      return "no_simulation";
  }
  return "unknown";
}

caf::error make_error(errc code, std::string text) {
  if (text.empty())
    return caf::error{static_cast<std::uint8_t>(code), error_category_atom};
  auto context = caf::make_message(std::move(text));
  TROUPE_TSAN_RELEASE(context.vals().get()); // for text_of on the receiving thread
  return caf::error{static_cast<std::uint8_t>(code), error_category_atom, std::move(context)};
}

namespace detail {

error error_from_wire(const std::string& category, std::int32_t value, std::string message) {
  if (category == error_category().name())
    return {std::error_code{value, error_category()}, std::move(message)};
  if (category == std::generic_category().name())
    return {std::error_code{value, std::generic_category()}, std::move(message)};
  if (category == std::system_category().name())
    return {std::error_code{value, std::system_category()}, std::move(message)};
  return {errc::foreign_category, message + " (error " + std::to_string(value) + " of category '" +
                                      category + "' on the sending node)"};
}

error from_troupe_category(const caf::error& err) {
  return {static_cast<errc>(err.code()), text_of(err.context())};
}

void add_error_types(caf::actor_system_config& cfg) {
  cfg.add_error_category(error_category_atom, render);
  cfg.add_message_type<error>("troupe::error");
}

} // namespace detail

} // namespace troupe
