// Spawning actors by registered type name: here (`spawn_named`), for other nodes (the
// spawner), and on other nodes (`spawn_remote`, blocking or awaited).
#include <troupe/node.hpp>

#include <caf/scoped_actor.hpp>

#include <troupe/remote.hpp>

#include "internal/node_state.hpp"

namespace troupe {

namespace {

// "int, caf::actor": the portable type names of a message's elements, for error messages.
std::string element_types(caf::actor_system& sys, const caf::message& msg) {
  std::string out;
  for (size_t i = 0; i < msg.size(); ++i) {
    auto& name = sys.types().portable_name(msg.type(i));
    out += (i == 0 ? "" : ", ") + (name.empty() ? std::string{"?"} : name);
  }
  return out.empty() ? "no arguments" : out;
}

} // namespace

result<caf::actor> detail::spawn_registered(node_state& st, const std::string& type,
                                            caf::message& args) {
  actor_factory factory;
  {
    std::lock_guard<std::mutex> guard{st.factories_mtx};
    auto i = st.factories.find(type);
    if (i == st.factories.end())
      return error{errc::no_such_actor_type,
                   "the node " + st.cfg->program + " has no actor type '" + type +
                       "': register it with cfg.add_actor_type(\"" + type +
                       "\", ...) before the node starts (on every node that spawns it remotely)"};
    factory = i->second;
  }
  auto a = factory(*st.sys, args);
  if (!a)
    return error{errc::no_such_actor_type, "actor type '" + type + "' on " + st.cfg->program +
                                               " does not take these arguments (" +
                                               element_types(*st.sys, args) + ")"};
  return a;
}

behavior detail::spawner(context&, node_state* st) {
  return {
      [st](spawn_request_atom, const std::string& type,
           caf::message& args) -> caf::result<caf::actor> {
        auto a = spawn_registered(*st, type, args);
        if (!a)
          return spawn_refused(a.error().message());
        return std::move(*a);
      },
      [st](card_atom) { return st->local_card(); },
      [st](awaits::awaits_atom) { return awaits::local_edges(*st); },
  };
}

troupe::error detail::spawn_remote_error(caf::actor_system& sys, const caf::error& failure,
                                         const std::string& type, duration timeout) {
  auto what = "spawn_remote of '" + type + "'";
  if (failure == caf::sec::cannot_spawn_actor_from_arguments &&
      failure.context().match_elements<std::string>())
    return {errc::no_such_actor_type, what + ": " + failure.context().get_as<std::string>(0)};
  if (failure == caf::sec::request_timeout)
    return {
        errc::timeout,
        what + " timed out after " +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()) +
            " ms"};
  if (failure == caf::sec::request_receiver_down)
    return {errc::unreachable, what + ": the node went away before answering"};
  if (failure.category() == error_category_atom) {
    auto e = detail::from_troupe_category(failure);
    return {e.code(), what + " failed: " + e.message()};
  }
  return {errc::request_failed, what + " failed: " + sys.render(failure)};
}

void node::add_actor_type(std::string type, actor_factory factory) {
  std::lock_guard<std::mutex> guard{state_->factories_mtx};
  state_->factories[std::move(type)] = std::move(factory);
}

result<caf::actor> node::spawn_named(const std::string& type, caf::message args) {
  return detail::spawn_registered(*state_, type, args);
}

result<caf::actor> node::spawn_remote(const peer& where, const std::string& type, caf::message args,
                                      std::chrono::milliseconds timeout) {
  if (!where.spawner)
    return error{errc::unreachable,
                 "spawn_remote of '" + type + "': not joined to that node (no spawner)"};
  caf::scoped_actor self{*state_->sys, true}; // hidden, as in join
  result<caf::actor> out{errc::timeout, "spawn_remote of '" + type + "' got no answer"};
  self->request(where.spawner, timeout, spawn_request_atom::value, type, std::move(args))
      .receive([&](caf::actor& a) { out = std::move(a); },
               [&](caf::error& err) {
                 out = detail::spawn_remote_error(*state_->sys, err, type, timeout);
               });
  return out;
}

} // namespace troupe
