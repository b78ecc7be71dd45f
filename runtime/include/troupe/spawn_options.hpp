/// @file
/// `troupe::spawn_options`: the identity of a spawned actor as introspection shows it.
#pragma once

#include <string>

namespace troupe {

/// Optional identity of a spawned actor, shown by introspection.
struct spawn_options {
  /// The actor's name; default "actor-<id>".
  std::string name{};
  /// The actor's type; default "coroutine" or "behavior".
  std::string type{};
};

} // namespace troupe
