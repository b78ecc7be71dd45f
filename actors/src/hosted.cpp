#include <troupe/actors/hosted.hpp>

namespace troupe::actors {

actor_factory hosted::wrap(actor_factory make) {
  return [this, make = std::move(make)](caf::actor_system& sys, caf::message& args) {
    auto spawned = make(sys, args);
    if (!spawned)
      return spawned;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      ++came_;
    }
    spawned->attach_functor([this] {
      std::lock_guard<std::mutex> guard{mtx_};
      ++ended_;
      cv_.notify_all();
    });
    return spawned;
  };
}

void hosted::wait() {
  std::unique_lock<std::mutex> lock{mtx_};
  cv_.wait(lock, [this] { return came_ > 0 && ended_ == came_; });
}

} // namespace troupe::actors
