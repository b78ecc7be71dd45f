// The farm's master actor (farm_master.cpp), started by start_master (farm.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <caf/actor.hpp>
#include <caf/message.hpp>

#include <troupe/actors/farm.hpp>
#include <troupe/node.hpp>

namespace troupe::actors::detail {

/// What a master starts with: its farm, the tasks, the workers already spawned, and the
/// actor it reports each outcome to (`farm_news`).
struct master_plan {
  farm_options opts;
  std::uint64_t id = 0;
  std::vector<caf::message> tasks;
  std::vector<caf::actor> local;
  std::vector<caf::actor> remote;
  caf::actor client;
  /// Each outcome to `client` as it settles, else all with the end.
  bool stream = true;
  std::function<void(const farm_entry&)> on_done;
};

caf::actor spawn_master(node& n, master_plan plan);

} // namespace troupe::actors::detail
