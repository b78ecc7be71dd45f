#include <troupe/actors/state_bytes.hpp>

#include <string>
#include <system_error>

namespace troupe::actors::detail {

troupe::error state_error(bool saving, const caf::error& err, std::size_t bytes,
                          const caf::actor_system* sys) {
  auto text = sys ? sys->render(err) : caf::to_string(err);
  std::string message =
      saving ? "cannot save a part's state (after " + std::to_string(bytes) + " bytes): " + text +
                   "; check its inspect overload"
             : "cannot read a part's state back from " + std::to_string(bytes) + " bytes: " + text +
                   "; the bytes hold another type, or were written by another build";
  return troupe::error{std::make_error_code(std::errc::bad_message), std::move(message)};
}

troupe::error state_leftover(std::size_t left, std::size_t bytes) {
  return troupe::error{std::make_error_code(std::errc::bad_message),
                       "a part's state was read back from " + std::to_string(bytes) +
                           " bytes with " + std::to_string(left) +
                           " left over: they hold another type (or another version of it)"};
}

} // namespace troupe::actors::detail
