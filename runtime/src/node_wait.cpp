// Plain code waiting for actors: node::wait, and what launch's jobs report.
#include <troupe/launch.hpp>

#include <sstream>

#include <caf/exit_reason.hpp>
#include <caf/local_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/sec.hpp>

#include "internal/node_state.hpp"

namespace troupe {

std::string detail::actor_label(const caf::actor& who) {
  auto* ptr = caf::actor_cast<caf::abstract_actor*>(who);
  if (ptr == nullptr)
    return "no actor (an invalid handle)";
  auto id = " (id " + std::to_string(who.id()) + ")";
  if (auto* local = dynamic_cast<caf::local_actor*>(ptr))
    return "actor '" + std::string{local->name()} + "'" + id;
  return "remote actor" + id;
}

troupe::error detail::exception_error(std::exception_ptr ep) {
  try {
    std::rethrow_exception(ep);
  } catch (const bad_result_access& e) {
    return e.error();
  } catch (const std::exception& e) {
    return {errc::exception, e.what()};
  } catch (...) {
    return {errc::exception, "an exception of a type not derived from std::exception"};
  }
}

// A troupe actor that an exception ended has troupe's errc::exception with the exception's text
// as its reason (see boundary.cpp). A lost link gets a code of its own, so that code above (a
// driver naming the lost node) need not search the text; the text keeps CAF's reason for logs.
troupe::error detail::exit_error(caf::actor_system& sys, const std::string& label,
                                 const caf::error& reason) {
  if (reason.category() == error_category_atom)
    return detail::from_troupe_category(reason);
  if (reason == caf::exit_reason::remote_link_unreachable)
    return {errc::unreachable, label + " ended with " + sys.render(reason) +
                                   ": the connection to its node broke or timed out"};
  return {errc::actor_exited, label + " ended with " + sys.render(reason)};
}

result<void> detail::await_exit(caf::actor_system& sys, const caf::actor& who, duration timeout) {
  if (!who)
    return error{errc::actor_exited, "wait: " + actor_label(who)};
  // Hidden: not one of the actors that node shutdown waits for.
  caf::scoped_actor self{sys, true};
  self->monitor(who);
  std::optional<caf::error> reason;
  auto on_down = [&](caf::down_msg& down) { reason = std::move(down.reason); };
  if (timeout == infinite)
    self->receive(on_down);
  else
    self->receive(
        on_down, caf::after(timeout) >> [] {});
  if (!reason) {
    std::ostringstream waited;
    waited << std::chrono::duration<double>(timeout).count();
    return error{errc::timeout, "waiting for " + actor_label(who) + ": still running after " +
                                    waited.str() + " s"};
  }
  if (!*reason)
    return {};
  return detail::exit_error(sys, actor_label(who), *reason);
}

result<void> node::wait(const caf::actor& who, duration timeout) const {
  return detail::await_exit(*state_->sys, who, timeout);
}

} // namespace troupe
