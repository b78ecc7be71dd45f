#include <troupe/sim_board.hpp>

#include <troupe/errc.hpp>

namespace troupe {

std::uint64_t sim_board::open(sim_status first, steer_fn steer) {
  std::lock_guard<std::mutex> guard{mtx_};
  status_ = std::move(first);
  steer_ = std::make_shared<steer_fn>(std::move(steer));
  return ++ticket_;
}

void sim_board::publish(std::uint64_t ticket, sim_status now) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (ticket == ticket_)
    status_ = std::move(now);
}

void sim_board::close(std::uint64_t ticket) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (ticket != ticket_)
    return;
  if (status_) {
    status_->done = true;
    status_->paused = false;
    status_->eta_seconds.reset();
  }
  steer_.reset();
}

std::optional<sim_status> sim_board::status() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return status_;
}

result<void> sim_board::steer(const sim_request& r) const {
  std::shared_ptr<steer_fn> steer;
  bool ended = false;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    steer = steer_;
    ended = status_.has_value();
  }
  // Called outside the lock: the simulation may publish from within.
  if (!steer || !*steer)
    return error{errc::no_simulation, ended ? "the simulation on this node has ended"
                                            : "no simulation runs on this node"};
  return (*steer)(r);
}

} // namespace troupe
