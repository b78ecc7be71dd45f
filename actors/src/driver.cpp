#include <troupe/actors/driver.hpp>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

#include <caf/send.hpp>

#include <troupe/behavior.hpp>
#include <troupe/spawn.hpp>

namespace troupe::actors {

namespace detail {

/// What the driver actor leaves for `driver::wait`: set once, inside the actor, before it ends.
struct driver_shared {
  std::mutex mtx;
  std::optional<result<driver_summary>> outcome;
};

/// The news, from the driver's own watch, that part `rank` ended: local only, and private (no
/// other code names the type, so nobody else sends it).
struct part_ended {
  std::uint64_t run;
  std::size_t rank;
  result<void> how;
};

} // namespace detail
} // namespace troupe::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::actors::detail::part_ended)

namespace troupe::actors {
namespace {

// The driver actor's state; lives as long as its behavior.
class driver_state {
public:
  driver_state(context& self, driver_config cfg, group g,
               std::shared_ptr<detail::driver_shared> shared)
    : self_(self)
    , cfg_(std::move(cfg))
    , parts_(std::move(g))
    , run_(parts_.id())
    , current_(cfg_.initial)
    , shared_(std::move(shared))
    , shown_(cfg_.label, cfg_.progress, cfg_.steps)
    , ended_(parts_.size(), false) {
    next_ = next_after(0);
    stop_sent_ = cfg_.steps == 0;
  }

  // Links every part to the driver and watches it.
  void start() {
    for (std::size_t r = 0; r < parts_.size(); ++r) {
      part_link link{parts_, self_.handle(), run_, cfg_.steps, cfg_.every, cfg_.initial, false};
      self_.send(parts_[r], std::move(link));
      self_.watch(parts_[r], [ctx = &self_, run = run_, r](const result<void>& how) {
        ctx->send(ctx->handle(), detail::part_ended{run, r, how});
      });
    }
  }

  void on_report(const boundary_report& rep) {
    if (rep.run != run_ || done_)
      return;
    if (rep.step != next_ || rep.rank >= parts_.size()) {
      fail("driver: " + who(rep.rank) + " reported the boundary after step " +
           std::to_string(rep.step) + ", but the next boundary is after step " +
           std::to_string(next_));
      return;
    }
    if (++arrived_ == parts_.size())
      decide();
  }

  caf::result<bool> on_command(const driver_command& c) {
    using kind = driver_command::kind;
    switch (c.what) {
      case kind::set:
        if (!current_.get(c.name))
          return caf::make_error(caf::sec::invalid_argument,
                                 "driver: no parameter '" + c.name + "' (it has: " + names() + ")");
        pending_.set(c.name, c.value);
        break;
      case kind::pause:
        paused_ = true;
        break;
      case kind::resume:
        paused_ = false;
        if (arrived_ == parts_.size() && !done_)
          decide();
        break;
      case kind::stop:
        stop_asked_ = true;
        break;
    }
    return true;
  }

  void on_part_ended(const detail::part_ended& news) {
    if (news.run != run_ || done_ || ended_[news.rank])
      return;
    ended_[news.rank] = true;
    if (!news.how) {
      fail("driver: " + who(news.rank) + " failed: " + news.how.error().message());
      return;
    }
    if (!stop_sent_) {
      fail("driver: " + who(news.rank) + " ended before the run's end (the boundary after step " +
           std::to_string(next_) + " was due)");
      return;
    }
    if (std::count(ended_.begin(), ended_.end(), true) ==
        static_cast<std::ptrdiff_t>(parts_.size()))
      finish();
  }

private:
  std::int64_t next_after(std::int64_t step) const {
    auto every = std::max<std::int64_t>(cfg_.every, 1);
    return std::min((step / every + 1) * every, cfg_.steps);
  }

  std::string who(std::size_t rank) const {
    return rank < parts_.size() ? "part " + parts_.describe(rank) : "an unknown part";
  }

  std::string names() const {
    std::string out;
    for (auto& n : current_.names)
      out += (out.empty() ? "" : ", ") + n;
    return out;
  }

  // Every part waits at the boundary after step next_: answer them all alike.
  void decide() {
    if (paused_)
      return; // resume decides
    boundary b;
    b.run = run_;
    b.step = next_;
    b.changed = std::move(pending_);
    pending_ = {};
    for (std::size_t i = 0; i < b.changed.names.size(); ++i) {
      current_.set(b.changed.names[i], b.changed.values[i]);
      summary_.changes.push_back({next_, b.changed.names[i], b.changed.values[i]});
    }
    b.stop = stop_asked_ || next_ == cfg_.steps;
    b.checkpoint = cfg_.checkpoint_every > 0 && next_ % cfg_.checkpoint_every == 0;
    for (auto& part : parts_.members())
      self_.send(part, b);
    shown_.update(next_);
    arrived_ = 0;
    if (b.stop) {
      stop_sent_ = true;
      summary_.steps = next_;
      summary_.stopped_early = next_ != cfg_.steps;
    } else {
      next_ = next_after(next_);
    }
  }

  void finish() {
    done_ = true;
    summary_.final = current_;
    if (cfg_.steps == 0)
      summary_.steps = 0;
    shown_.finish(summary_.steps);
    settle(std::move(summary_));
    self_.quit();
  }

  // Ends the parts still running (so that none waits for ever on a dead neighbour or driver)
  // and the run, with `why`.
  void fail(std::string why) {
    done_ = true;
    for (std::size_t r = 0; r < parts_.size(); ++r)
      if (!ended_[r])
        self_.send_exit(parts_[r], caf::exit_reason::kill);
    settle(error{errc::actor_exited, why});
    self_.quit(caf::make_error(caf::sec::runtime_error, std::move(why)));
  }

  void settle(result<driver_summary> r) {
    std::lock_guard<std::mutex> guard{shared_->mtx};
    shared_->outcome.emplace(std::move(r));
  }

  context& self_;
  driver_config cfg_;
  group parts_;
  std::uint64_t run_;
  parameters current_;
  parameters pending_;
  std::shared_ptr<detail::driver_shared> shared_;
  progress shown_;
  std::vector<bool> ended_;
  driver_summary summary_;
  std::int64_t next_ = 0;
  std::size_t arrived_ = 0;
  bool paused_ = false;
  bool stop_asked_ = false;
  bool stop_sent_ = false;
  bool done_ = false;
};

troupe::behavior drive(context& self, std::shared_ptr<detail::driver_shared> shared,
                       driver_config cfg, group g) {
  auto state =
      std::make_shared<driver_state>(self, std::move(cfg), std::move(g), std::move(shared));
  state->start();
  return {
      [state](const boundary_report& rep) { state->on_report(rep); },
      [state](const driver_command& c) { return state->on_command(c); },
      [state](const detail::part_ended& news) { state->on_part_ended(news); },
  };
}

} // namespace

void add_driver_command_type(caf::actor_system_config& cfg) {
  cfg.add_message_type<driver_command>("troupe::actors::driver_command");
}

result<driver> driver::start(node& n, const driver_config& cfg, const caf::message& args) {
  std::size_t nodes = n.joined() ? 2 : 1;
  auto where = place(cfg.parts, nodes, cfg.where);
  std::vector<caf::actor> members;
  members.reserve(cfg.parts);
  for (std::size_t r = 0; r < cfg.parts; ++r) {
    auto made = where[r] == 0 ? n.spawn_named(cfg.type, args)
                              : n.spawn_remote(*n.joined(), cfg.type, args, cfg.spawn_timeout);
    if (!made) {
      for (auto& m : members)
        caf::anon_send_exit(m, caf::exit_reason::kill);
      return error{made.error().code(),
                   "driver: part " + std::to_string(r) + " of type '" + cfg.type + "' on " +
                       (where[r] == 0 ? std::string{"this node"} : "the joined node") + ": " +
                       made.error().message()};
    }
    members.push_back(std::move(*made));
  }
  group g{std::move(members)};
  auto shared = std::make_shared<detail::driver_shared>();
  auto actor = spawn(n, {.name = cfg.label + "-driver", .type = "driver"}, drive, shared, cfg, g);
  return driver{n, std::move(actor), std::move(g), std::move(where), std::move(shared)};
}

result<driver_summary> driver::wait(duration timeout) {
  auto ended = node_->wait(actor_, timeout);
  if (!ended && ended.error() == errc::timeout)
    return ended.error();
  std::lock_guard<std::mutex> guard{shared_->mtx};
  if (shared_->outcome)
    return std::move(*shared_->outcome);
  if (!ended)
    return ended.error();
  return error{errc::actor_exited, "driver: ended without a result"};
}

} // namespace troupe::actors
