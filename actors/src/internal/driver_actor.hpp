// The driver actor as `driver::start` spawns it (driver.cpp), and what the two share.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <caf/actor.hpp>

#include <troupe/actors/checkpoint_writer.hpp>
#include <troupe/actors/driver.hpp>
#include <troupe/cluster.hpp>
#include <troupe/sim_board.hpp>

namespace troupe::actors::detail {

/// What the driver actor leaves for `driver::wait`: set once, inside the actor, before it ends.
struct driver_shared {
  std::mutex mtx;
  std::optional<result<driver_summary>> outcome;
  /// The run's checkpoint writer (null without checkpoints): `wait` waits for its last write.
  std::shared_ptr<checkpoint_writer> writer;
};

/// Where the driver actor starts from: the run's first step and parameters, each part's
/// restored state (none on a fresh start), and where each part runs (`where[r]` indexes
/// `hosts`; host 0 is this node).
struct driver_beginning {
  std::int64_t first = 0;
  parameters initial;
  std::vector<part_bytes> restored;
  std::vector<member> hosts;
  std::vector<std::size_t> where;
  /// The node's board for the monitor (`node::sim`).
  sim_board* board = nullptr;
};

/// Spawns the driver actor of the run `cfg` over the parts `g`.
caf::actor spawn_driver(node& n, std::shared_ptr<driver_shared> shared, driver_config cfg, group g,
                        std::shared_ptr<driver_beginning> from);

} // namespace troupe::actors::detail
