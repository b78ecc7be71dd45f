// What crosses a boundary of an actor: exceptions turned into exit reasons, messages checked
// for portability before they go to another node, CAF errors turned into troupe's.
#include <troupe/context.hpp>

#include <caf/actor_system_config.hpp>
#include <caf/monitorable_actor.hpp>
#include <caf/sec.hpp>

#include <troupe/behavior.hpp>
#include <troupe/detail/type_names.hpp>

namespace troupe {

namespace detail {

caf::error exception_to_error(std::exception_ptr ep) {
  try {
    std::rethrow_exception(ep);
  } catch (const bad_result_access& e) {
    // A result's error that nobody handled keeps its code, as in a job or when_all: whoever
    // watches the actor can tell a lost node from a bug. Other categories' codes cannot be an
    // exit reason of troupe's category, so those stay exceptions.
    if (e.error().code().category() == error_category())
      return make_error(static_cast<errc>(e.error().code().value()), e.error().message());
    return make_error(errc::exception, e.what());
  } catch (const std::exception& e) {
    return make_error(errc::exception, e.what());
  } catch (...) {
    return make_error(errc::exception, "an exception not derived from std::exception");
  }
}

} // namespace detail

namespace {

// A message's elements, nested messages included, that the type system cannot serialize.
const std::type_info* first_unportable(const caf::uniform_type_info_map& types,
                                       const caf::message& msg) {
  for (size_t i = 0; i < msg.size(); ++i) {
    if (msg.match_element<caf::message>(i)) {
      if (auto* ti = first_unportable(types, msg.get_as<caf::message>(i)))
        return ti;
      continue;
    }
    auto rtti = msg.type(i);
    if (rtti.first != 0)
      continue; // a CAF builtin type
    auto& portable = types.portable_name(rtti);
    if (portable.empty() || portable == "@<>" || types.make_value(portable) == nullptr)
      return rtti.second;
  }
  return nullptr;
}

// The demangled name as a user would write it in code.
std::string spelled(const std::type_info& ti) {
  auto name = detail::demangle(ti);
  const std::string anon = "(anonymous namespace)::";
  for (auto pos = name.find(anon); pos != std::string::npos; pos = name.find(anon))
    name.erase(pos, anon.size());
  return name;
}

} // namespace

result<void> context::check_portable(const caf::strong_actor_ptr& dest, const caf::message& msg) {
  if (!dest || detail::same_node(dest->node(), home_system().node()))
    return {};
  auto* ti = first_unportable(home_system().types(), msg);
  if (ti == nullptr)
    return {};
  auto cpp = spelled(*ti);
  auto call = "cfg.add_message_type<" + cpp + ">(\"" + cpp + "\")";
  return error{errc::type_not_registered,
               "message type '" + cpp +
                   "' is not registered, so it cannot go to another node: call " + call +
                   " on the node_config of every node, and give it an inspect() overload"};
}

result<void> context::check_alive(const caf::strong_actor_ptr& dest) const {
  auto& sys = const_cast<context*>(this)->home_system();
  if (!dest || detail::same_node(dest->node(), sys.node()))
    return {};
  // A proxy learns its actor's end from the other node (CAF's kill_proxy), which keeps it as
  // the proxy's fail state; the proxy drops messages from then on.
  auto* proxy = dynamic_cast<caf::monitorable_actor*>(dest->get());
  if (proxy == nullptr)
    return {};
  auto reason = proxy->fail_state();
  if (!reason)
    return {};
  return convert(caf::make_error(caf::sec::request_receiver_down,
                                 "the actor had exited: " +
                                     (reason.category() == error_category_atom
                                          ? detail::from_troupe_category(reason).message()
                                          : sys.render(reason))),
                 "request to actor " + std::to_string(dest->id()), true);
}

troupe::error context::convert(const caf::error& err, const std::string& what, bool remote) const {
  // troupe's own codes (a handler's exception, an error a handler delivered) keep their code
  // and text, from whichever node they come.
  if (err.category() == error_category_atom)
    return detail::from_troupe_category(err);
  auto text = const_cast<context*>(this)->home_system().render(err);
  if (err.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(err.code())) {
      case caf::sec::request_timeout:
        return {errc::timeout, what + " timed out"};
      case caf::sec::request_receiver_down:
        // context::exit_reply names the actor and its exit reason.
        if (err.context().match_elements<std::string>())
          return {errc::actor_exited, what + " failed: " + err.context().get_as<std::string>(0)};
        return {errc::actor_exited, what + " failed: the actor exited before replying"};
      case caf::sec::unexpected_message:
        return {errc::unexpected_message,
                what + " failed: the actor does not handle this message (" + text + ")" +
                    (remote ? "; or the other node lacks cfg.add_message_type for one of its "
                              "types"
                            : "")};
      case caf::sec::unexpected_response:
        return {errc::wrong_reply_type,
                what + " got a reply of another type than awaited (" + text + ")"};
      default:
        break;
    }
  }
  return {errc::request_failed, what + " failed: " + text};
}

} // namespace troupe
