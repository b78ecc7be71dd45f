/// @file
/// `troupe::actors::hosted`: the actors a `--listen` process runs for another process's driver
/// or farm, so that it ends once they ended.
#pragma once

#include <condition_variable>
#include <mutex>

#include <troupe/node_config.hpp>

namespace troupe::actors {

/// Counts the actors spawned through the factories it wraps, and lets `main` wait until at
/// least one came and every one that came ended: a process that serves parts or workers for a
/// run on another node (`--listen`) ends with that run.
///
/// ```cpp
/// troupe::actors::hosted served;
/// cfg.add_actor_type("heat2d.tile", served.wrap(troupe::actors::part_factory<params>(run)));
/// ...
/// if (n.listening() && !n.joined()) { served.wait(); return 0; }
/// ```
class hosted {
public:
  /// `make`, counting what it spawns.
  actor_factory wrap(actor_factory make);

  /// Blocks until at least one actor came and every actor that came ended.
  void wait();

private:
  std::mutex mtx_;
  std::condition_variable cv_;
  int came_ = 0;
  int ended_ = 0;
};

} // namespace troupe::actors
