#include "internal/sim_reporter.hpp"

#include <algorithm>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include <troupe/actors/driver.hpp>
#include <troupe/errc.hpp>

namespace troupe::actors::detail {

namespace {

void copy_parameters(sim_status& s, const parameters& now) {
  s.parameters.clear();
  for (std::size_t i = 0; i < now.names.size(); ++i)
    s.parameters.emplace_back(now.names[i], now.values[i]);
}

} // namespace

sim_reporter::sim_reporter(sim_board* board, std::string label, std::int64_t total,
                           std::int64_t first, const parameters& now, caf::actor_addr driver)
  : board_(board) {
  status_.label = std::move(label);
  status_.total = total;
  status_.first = first;
  status_.step = first;
  copy_parameters(status_, now);
  if (!board_)
    return;
  auto names = now.names;
  ticket_ = board_->open(status_, [driver, names](const sim_request& r) -> result<void> {
    auto who = caf::actor_cast<caf::actor>(driver);
    if (!who)
      return error{errc::no_simulation, "the simulation on this node has ended"};
    switch (r.what) {
      case sim_request::kind::pause:
        caf::anon_send(who, driver_command::pause());
        break;
      case sim_request::kind::resume:
        caf::anon_send(who, driver_command::resume());
        break;
      case sim_request::kind::stop:
        caf::anon_send(who, driver_command::stop());
        break;
      case sim_request::kind::set: {
        if (std::find(names.begin(), names.end(), r.name) == names.end()) {
          std::string known;
          for (auto& n : names)
            known += (known.empty() ? "" : ", ") + n;
          return error{errc::bad_option, "the simulation has no parameter '" + r.name +
                                             "' (it has: " + (known.empty() ? "none" : known) +
                                             ")"};
        }
        caf::anon_send(who, driver_command::set(r.name, r.value));
        break;
      }
    }
    return {};
  });
}

void sim_reporter::passed(std::int64_t step, const parameters& now) {
  status_.step = step;
  copy_parameters(status_, now);
  std::chrono::duration<double> took = clock::now() - started_;
  auto done = static_cast<double>(step - status_.first);
  status_.steps_per_second = took.count() > 0 ? done / took.count() : 0;
  if (status_.steps_per_second > 0 && !status_.paused)
    status_.eta_seconds = static_cast<double>(status_.total - step) / status_.steps_per_second;
  publish();
}

void sim_reporter::paused(bool on) {
  status_.paused = on;
  if (on)
    status_.eta_seconds.reset();
  publish();
}

void sim_reporter::checkpoint_begun(std::int64_t step) {
  writing_.emplace(step, clock::now());
}

void sim_reporter::checkpoint_written(const std::filesystem::path& dir) {
  status_.last_checkpoint = dir.string();
  if (writing_) {
    status_.last_checkpoint_step = writing_->first;
    status_.last_checkpoint_seconds =
        std::chrono::duration<double>(clock::now() - writing_->second).count();
    writing_.reset();
  }
  publish();
}

void sim_reporter::ended() {
  if (!board_)
    return;
  board_->publish(ticket_, status_);
  board_->close(ticket_);
}

void sim_reporter::publish() {
  if (board_)
    board_->publish(ticket_, status_);
}

} // namespace troupe::actors::detail
