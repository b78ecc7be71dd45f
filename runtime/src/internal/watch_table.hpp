// The actors one actor watches (context::watch) and what to run when each ends.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_addr.hpp>

#include <troupe/result.hpp>

namespace troupe::detail {

/// One watched actor: its label (taken while a handle was at hand, since a down message carries
/// only the address) and the functions of its watches. A watched actor has one CAF monitor,
/// whatever the number of its watches, so that one down message answers them all.
struct watched_actor {
  caf::actor_addr who;
  std::string label;
  std::vector<std::pair<std::uint64_t, std::function<void(const result<void>&)>>> watches;
};

/// An actor's watched actors. Linear lists: they are searched when a watch starts and when a
/// watched actor ends, never per ordinary message.
class watch_table {
public:
  watched_actor* find(const caf::actor_addr& who) noexcept {
    for (auto& w : watched)
      if (w.who == who)
        return &w;
    return nullptr;
  }

  std::vector<watched_actor> watched;
  std::uint64_t next_id = 1;
};

} // namespace troupe::detail
