#include <troupe/errc.hpp>

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
    }
    return "unknown troupe error";
  }
};

} // namespace

const std::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

} // namespace troupe
