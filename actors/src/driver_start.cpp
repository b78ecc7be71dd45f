// `driver::start` and `driver::wait`: placing a run's parts on the members of the cluster and
// waiting for its end; the driver actor itself is in driver.cpp.
#include <troupe/actors/driver.hpp>

#include <system_error>

#include <caf/send.hpp>

#include <troupe/actors/job.hpp>

#include "internal/driver_actor.hpp"

namespace troupe::actors {

namespace {

// The checkpoint settings and the restart point, checked against each other and the run.
result<void> check_checkpoints(const driver_config& cfg, const std::optional<restart_point>& from) {
  auto bad = [](std::string why) {
    return error{std::make_error_code(std::errc::invalid_argument), "driver: " + why};
  };
  if (cfg.steps < 0)
    return bad("a run of " + std::to_string(cfg.steps) + " steps: give 0 or more");
  if (cfg.checkpoint_every < 0)
    return bad("checkpoints every " + std::to_string(cfg.checkpoint_every) +
               " steps: give a positive step count, or 0 for none but the last");
  if (cfg.checkpoint_every > 0 && cfg.checkpoint_dir.empty())
    return bad("checkpoints every " + std::to_string(cfg.checkpoint_every) +
               " steps need a directory to go into");
  if (cfg.checkpoint_every > 0 && cfg.every > 0 && cfg.checkpoint_every % cfg.every != 0)
    return bad("checkpoints every " + std::to_string(cfg.checkpoint_every) +
               " steps fall between the step boundaries (every " + std::to_string(cfg.every) +
               " steps); make it a multiple of " + std::to_string(cfg.every));
  if (!from)
    return {};
  if (from->parts.size() != cfg.parts)
    return bad("checkpoint '" + from->path.string() + "' holds " +
               std::to_string(from->parts.size()) + " parts, the run has " +
               std::to_string(cfg.parts));
  if (from->step > cfg.steps)
    return bad("checkpoint '" + from->path.string() + "' is at step " + std::to_string(from->step) +
               ", past the run's " + std::to_string(cfg.steps) + " steps; ask for at least " +
               std::to_string(from->step) + " steps");
  return {};
}

} // namespace

result<driver> driver::start(node& n, const driver_config& cfg, const caf::message& args,
                             std::optional<restart_point> from) {
  if (auto ok = check_checkpoints(cfg, from); !ok)
    return ok.error();
  auto hosts = run_members(n, cfg.members_timeout);
  if (!hosts)
    return error{hosts.error().code(), "driver: " + hosts.error().message()};
  auto shared = std::make_shared<detail::driver_shared>();
  if (!cfg.checkpoint_dir.empty()) {
    auto writer = checkpoint_writer::open(cfg.checkpoint_dir);
    if (!writer)
      return writer.error();
    shared->writer = std::make_shared<checkpoint_writer>(std::move(*writer));
  }
  auto begin = std::make_shared<detail::driver_beginning>();
  begin->initial = cfg.initial;
  if (from) {
    begin->first = from->step;
    // The checkpoint's values of the run's parameters (a change made before it was taken).
    for (std::size_t i = 0; i < begin->initial.names.size(); ++i)
      if (auto v = from->values.get(begin->initial.names[i]))
        begin->initial.values[i] = *v;
    begin->restored = std::move(from->parts);
  }
  begin->board = &n.sim();
  begin->where = place(cfg.parts, hosts->size(), cfg.where);
  begin->hosts = std::move(*hosts);
  std::vector<caf::actor> members;
  members.reserve(cfg.parts);
  for (std::size_t r = 0; r < cfg.parts; ++r) {
    const auto& host = begin->hosts[begin->where[r]];
    auto made = host.local ? n.spawn_named(cfg.type, args)
                           : n.spawn_remote(host.at, cfg.type, args, cfg.spawn_timeout);
    if (!made) {
      for (auto& m : members)
        caf::anon_send_exit(m, caf::exit_reason::kill);
      return error{
          made.error().code(),
          "driver: part " + std::to_string(r) + " of type '" + cfg.type + "' on " +
              (host.local ? std::string{"this node"} : "node " + host.address.to_string()) + ": " +
              made.error().message()};
    }
    members.push_back(std::move(*made));
  }
  group g{std::move(members)};
  auto where = begin->where;
  auto actor = detail::spawn_driver(n, shared, cfg, g, std::move(begin));
  return driver{n, std::move(actor), std::move(g), std::move(where), std::move(shared)};
}

result<driver_summary> driver::wait(duration timeout) {
  auto ended = node_->wait(actor_, timeout);
  if (!ended && ended.error() == errc::timeout)
    return ended.error();
  if (shared_->writer)
    if (auto written = shared_->writer->wait(); !written) {
      std::lock_guard<std::mutex> guard{shared_->mtx};
      if (shared_->outcome && *shared_->outcome)
        return error{errc::actor_exited,
                     "driver: the last checkpoint's write failed: " + written.error().message()};
    }
  std::lock_guard<std::mutex> guard{shared_->mtx};
  if (shared_->outcome)
    return std::move(*shared_->outcome);
  if (!ended)
    return ended.error();
  return error{errc::actor_exited, "driver: ended without a result"};
}

} // namespace troupe::actors
