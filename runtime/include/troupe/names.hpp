/// @file
/// The cluster's name registry: an actor registered under a name on any node is found by that
/// name from every node. A name is unique in the cluster; it goes when its actor ends, when
/// it is unregistered, or when the node of its actor goes down or leaves.
#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>

#include <troupe/context.hpp>
#include <troupe/request.hpp>

namespace troupe {

namespace detail {
using name_register_atom = caf::atom_constant<caf::atom("t_reg")>;
using name_unregister_atom = caf::atom_constant<caf::atom("t_unreg")>;
using name_lookup_atom = caf::atom_constant<caf::atom("t_lookup")>;

/// The node's name actor, for the awaitables below.
caf::actor names_of(context& self);

inline std::int64_t millis(duration d) {
  return d == infinite ? -1 : std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}
} // namespace detail

/// Registers `who` under `name` in the whole cluster; yields nothing once every member knows,
/// or `errc::name_taken` naming the actor that holds `name` (and its node), or `errc::timeout`.
///
/// ```cpp
/// if (auto ok = co_await troupe::register_name(self, "mesh", self.handle(), 5s); !ok)
///   std::cerr << ok.error().message() << '\n';
/// ```
inline auto register_name(context& self, std::string name, caf::actor who, duration timeout) {
  return request<void>(self, detail::names_of(self), timeout, detail::name_register_atom::value,
                       std::move(name), std::move(who));
}

/// Removes `name` from the cluster; `errc::no_such_name` if nothing holds it.
inline auto unregister_name(context& self, std::string name, duration timeout) {
  return request<void>(self, detail::names_of(self), timeout, detail::name_unregister_atom::value,
                       std::move(name));
}

/// The actor registered as `name`: `errc::no_such_name` at once when none is.
inline auto lookup(context& self, std::string name, duration timeout) {
  return request<caf::actor>(self, detail::names_of(self), timeout, detail::name_lookup_atom::value,
                             std::move(name), false, detail::millis(timeout));
}

/// The actor registered as `name`, waiting until one is (`errc::timeout` when none comes).
inline auto await_name(context& self, std::string name, duration timeout) {
  return request<caf::actor>(self, detail::names_of(self), timeout, detail::name_lookup_atom::value,
                             std::move(name), true, detail::millis(timeout));
}

} // namespace troupe
