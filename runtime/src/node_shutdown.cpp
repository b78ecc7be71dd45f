// Ending a node: every troupe actor, then the actor system.
#include <troupe/node.hpp>

#include <thread>

#include <caf/io/middleman.hpp>

#include <troupe/remote.hpp>

#include "internal/node_state.hpp"

namespace troupe {

void node::shutdown() {
  if (!state_ || !state_->sys)
    return;
  auto& sys = *state_->sys;
  if (state_->bound)
    sys.middleman().close(state_->bound->port);
  sys.registry().erase(spawner_name);
  state_->spawner = nullptr;
  state_->joined.reset();
  // Suspended coroutines never finish by themselves: end every troupe actor, including those
  // spawned by dying ones, so the actor system's destructor does not wait forever.
  for (int round = 0; round < 10000 && state_->actors.size() > 0; ++round) {
    for (auto& addr : state_->actors.addresses())
      caf::anon_send_exit(addr, caf::exit_reason::user_shutdown);
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  state_->sys.reset();
  state_.reset();
}

} // namespace troupe
