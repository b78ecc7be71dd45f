/// @file
/// Spawning troupe actors on another node from a coroutine.
#pragma once

#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/message.hpp>

#include <troupe/node.hpp>
#include <troupe/request.hpp>

namespace troupe {

/// The message a node's spawner answers with a new actor of a registered type.
using spawn_request_atom = caf::atom_constant<caf::atom("t_spawn")>;

/// The name under which each node registers its spawner in CAF's registry.
inline constexpr caf::atom_value spawner_name = caf::atom("t_spawner");

/// Spawns an actor registered as `type` (with `node::add_actor_type`) on the node `where`,
/// with `args...` as its arguments; yields `result<caf::actor>` within `timeout`.
///
/// ```cpp
/// troupe::task<> body(troupe::context& self, troupe::peer other) {
///   auto adder = co_await troupe::spawn_remote(self, other, "adder", 5s);
///   if (adder)
///     std::cout << *co_await troupe::request<int>(self, *adder, 1s, 2, 3) << '\n';
/// }
/// ```
template <class... Ts>
detail::request_awaiter<caf::actor> spawn_remote(context& self, const peer& where,
                                                 std::string type, duration timeout,
                                                 Ts&&... args) {
  return request<caf::actor>(self, where.spawner, timeout, spawn_request_atom::value,
                             std::move(type), caf::make_message(std::forward<Ts>(args)...));
}

} // namespace troupe
