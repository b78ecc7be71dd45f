// The introspection data model's names and lookups (no node needed: the monitor's fuzz target
// builds this file alone).
#include <troupe/snapshot.hpp>

#include <algorithm>

namespace troupe {

const char* to_string(await_info::kind k) noexcept {
  switch (k) {
    case await_info::kind::reply:
      return "reply";
    case await_info::kind::receive:
      return "receive";
    case await_info::kind::timer:
      return "timer";
    case await_info::kind::kernel:
      return "kernel";
  }
  return "?";
}

const char* to_string(actor_info::state s) noexcept {
  switch (s) {
    case actor_info::state::running:
      return "running";
    case actor_info::state::idle:
      return "idle";
    case actor_info::state::suspended:
      return "suspended";
  }
  return "?";
}

const actor_info* snapshot::find(std::string_view name) const noexcept {
  auto i = std::find_if(actors.begin(), actors.end(),
                        [name](const actor_info& a) { return a.name == name; });
  return i != actors.end() ? &*i : nullptr;
}

} // namespace troupe
