#include <troupe/actors/driver.hpp>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>

#include <caf/send.hpp>

#include <troupe/actors/checkpoint_writer.hpp>
#include <troupe/behavior.hpp>
#include <troupe/spawn.hpp>

#include "internal/checkpoint_keeper.hpp"
#include "internal/driver_actor.hpp"
#include "internal/sim_reporter.hpp"

namespace troupe::actors {

namespace detail {

/// The news, from the driver's own watch, that part `rank` ended: local only, and private (no
/// other code names the type, so nobody else sends it).
struct part_ended {
  std::uint64_t run;
  std::size_t rank;
  result<void> how;
};

/// The end of the wait for a lost node's news after a part failed over a broken link.
struct part_verdict {
  std::uint64_t run;
  std::string why;
};

/// The news, from the checkpoint writer's thread, that a write ended (local and private).
struct checkpoint_written {
  std::uint64_t run;
};

} // namespace detail
} // namespace troupe::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::actors::detail::part_ended)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::actors::detail::part_verdict)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::actors::detail::checkpoint_written)

namespace troupe::actors {
namespace {

// The driver actor's state; lives as long as its behavior.
class driver_state {
public:
  driver_state(context& self, driver_config cfg, group g,
               std::shared_ptr<detail::driver_shared> shared, detail::driver_beginning& from)
    : self_(self)
    , cfg_(std::move(cfg))
    , parts_(std::move(g))
    , run_(parts_.id())
    , current_(std::move(from.initial))
    , shared_(std::move(shared))
    , shown_(cfg_.label, cfg_.progress, cfg_.steps)
    , ended_(parts_.size(), false)
    , hosts_(std::move(from.hosts))
    , where_(std::move(from.where))
    , first_(from.first) {
    next_ = next_after(first_);
    stop_sent_ = cfg_.steps <= first_;
    summary_.first = first_;
    shown_.resumed_at(first_);
    summary_.steps = first_;
    if (shared_->writer)
      keeper_.emplace(shared_->writer,
                      detail::checkpoint_plan{cfg_.label, cfg_.layout, cfg_.time_step,
                                              cfg_.checkpoint_every, parts_.size()});
  }

  // Links every part to the driver and watches it; `restored[r]` is part r's checkpointed
  // state (none on a fresh start). With parts on other nodes, watches the members too: a lost
  // node fails the run naming it.
  void start(std::vector<part_bytes> restored, sim_board* board) {
    board_.emplace(board, cfg_.label, cfg_.steps, first_, current_, self_.address());
    if (hosts_.size() > 1)
      subscribe_members(self_);
    if (shared_->writer) {
      // A weak handle: the writer outlives no driver, and keeps none alive.
      shared_->writer->on_written([who = self_.address(), run = run_] {
        if (auto me = caf::actor_cast<caf::actor>(who))
          caf::anon_send(me, detail::checkpoint_written{run});
      });
    }
    for (std::size_t r = 0; r < parts_.size(); ++r) {
      part_link link{parts_,   self_.handle(), run_, cfg_.steps, cfg_.every,
                     current_, first_,         {},   false};
      if (r < restored.size())
        link.restored = std::move(restored[r]);
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

  void on_piece(checkpoint_piece& piece) {
    if (piece.run != run_ || done_)
      return;
    if (!keeper_) {
      fail("driver: part " + who(piece.rank) +
           " sent its state, but this run takes no checkpoints");
      return;
    }
    if (auto kept = keeper_->add(std::move(piece)); !kept)
      fail(kept.error().message());
  }

  void on_written(const detail::checkpoint_written& news) {
    if (news.run != run_ || done_ || !keeper_)
      return;
    auto ok = keeper_->written();
    if (!ok) {
      fail(ok.error().message());
      return;
    }
    if (!ok->empty()) {
      newest_ = *ok;
      board_->checkpoint_written(*ok);
    }
    if (!ok->empty() && cfg_.on_checkpoint)
      cfg_.on_checkpoint(*ok);
    if (waiting_for_writer_ && !keeper_->holding()) {
      waiting_for_writer_ = false;
      decide();
    }
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
        board_->paused(false);
        if (arrived_ == parts_.size() && !done_)
          decide();
        break;
      case kind::stop:
        stop_asked_ = true;
        break;
    }
    return true;
  }

  void on_member(const member_event& e) {
    if (done_ || e.who.state != member_state::down)
      return;
    std::string ranks;
    for (std::size_t r = 0; r < parts_.size(); ++r)
      if (hosts_[where_[r]].id == e.who.id && (!ended_[r] || awaiting_verdict_))
        ranks += (ranks.empty() ? "" : ", ") + std::to_string(r);
    if (!ranks.empty())
      fail("driver: lost node " + e.who.address.to_string() + " (parts " + ranks + ") after step " +
           std::to_string(passed_) + ": its connection broke or timed out");
  }

  void on_part_ended(const detail::part_ended& news) {
    if (news.run != run_ || done_ || ended_[news.rank])
      return;
    ended_[news.rank] = true;
    if (!news.how) {
      auto why = "driver: " + who(news.rank) + " failed: " + news.how.error().message();
      // A part whose neighbour's link broke fails at once, while membership may still be
      // checking that neighbour's node (after a stall of this one): the lost node is the news,
      // so wait for it, at most as long as detecting it takes.
      if (news.how.error() == errc::unreachable && !awaiting_verdict_) {
        awaiting_verdict_ = true;
        caf::delayed_anon_send(self_.handle(), lost_node_grace, detail::part_verdict{run_, why});
        return;
      }
      if (!awaiting_verdict_)
        fail(why);
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

  void on_verdict(const detail::part_verdict& v) {
    if (v.run == run_ && !done_)
      fail(v.why);
  }

private:
  /// How long a part's failure over a broken link waits for news of a lost node (the
  /// failure detection's bound, README "Clusters").
  static constexpr auto lost_node_grace = std::chrono::seconds{3};

  std::int64_t next_after(std::int64_t step) const {
    auto every = std::max<std::int64_t>(cfg_.every, 1);
    return std::min((step / every + 1) * every, cfg_.steps);
  }

  std::string who(std::size_t rank) const {
    if (rank >= parts_.size())
      return "an unknown part";
    const auto& host = hosts_[where_[rank]];
    return "part " + parts_.describe(rank) +
           (host.local ? std::string{} : " on node " + host.address.to_string());
  }

  // What a failed run leaves to resume from.
  std::string resume_hint() const {
    if (!keeper_)
      return {};
    if (newest_.empty())
      return "; no checkpoint was written yet";
    return "; newest checkpoint: " + newest_.string() + " (resume with --restart " +
           cfg_.checkpoint_dir.string() + ")";
  }

  std::string names() const {
    std::string out;
    for (auto& n : current_.names)
      out += (out.empty() ? "" : ", ") + n;
    return out;
  }

  // Every part waits at the boundary after step next_: answer them all alike.
  void decide() {
    if (paused_) {
      board_->paused(true);
      return; // resume decides
    }
    auto stop = stop_asked_ || next_ == cfg_.steps;
    auto checkpoint = keeper_ && keeper_->due(next_, stop);
    if (checkpoint && keeper_->holding()) {
      waiting_for_writer_ = true; // on_written decides
      return;
    }
    boundary b;
    b.run = run_;
    b.step = next_;
    b.changed = std::move(pending_);
    pending_ = {};
    for (std::size_t i = 0; i < b.changed.names.size(); ++i) {
      current_.set(b.changed.names[i], b.changed.values[i]);
      summary_.changes.push_back({next_, b.changed.names[i], b.changed.values[i]});
    }
    b.stop = stop;
    b.checkpoint = checkpoint;
    if (checkpoint) {
      keeper_->begin(next_, current_);
      board_->checkpoint_begun(next_);
    }
    for (auto& part : parts_.members())
      self_.send(part, b);
    shown_.update(next_);
    board_->passed(next_, current_);
    passed_ = next_;
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
    if (keeper_) {
      if (auto ok = keeper_->finish(); !ok) {
        fail(ok.error().message());
        return;
      }
      summary_.last_checkpoint = keeper_->last();
    }
    done_ = true;
    summary_.final = current_;
    shown_.finish(summary_.steps);
    board_->ended();
    settle(std::move(summary_));
    self_.quit();
  }

  // Ends the parts still running (so that none waits for ever on a dead neighbour or driver)
  // and the run, with `why`.
  void fail(std::string why) {
    done_ = true;
    board_->ended();
    why += resume_hint();
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
  std::vector<member> hosts_;
  std::vector<std::size_t> where_;
  std::filesystem::path newest_;
  std::int64_t first_;
  /// The step of the last boundary the parts were let past.
  std::int64_t passed_ = first_;
  std::optional<detail::checkpoint_keeper> keeper_;
  std::optional<detail::sim_reporter> board_;
  bool waiting_for_writer_ = false;
  driver_summary summary_;
  std::int64_t next_ = 0;
  std::size_t arrived_ = 0;
  bool paused_ = false;
  bool stop_asked_ = false;
  bool stop_sent_ = false;
  bool done_ = false;
  bool awaiting_verdict_ = false;
};

troupe::behavior drive(context& self, std::shared_ptr<detail::driver_shared> shared,
                       driver_config cfg, group g, std::shared_ptr<detail::driver_beginning> from) {
  auto state =
      std::make_shared<driver_state>(self, std::move(cfg), std::move(g), std::move(shared), *from);
  state->start(std::move(from->restored), from->board);
  return {
      [state](const boundary_report& rep) { state->on_report(rep); },
      [state](checkpoint_piece& piece) { state->on_piece(piece); },
      [state](const detail::checkpoint_written& news) { state->on_written(news); },
      [state](const driver_command& c) { return state->on_command(c); },
      [state](const detail::part_ended& news) { state->on_part_ended(news); },
      [state](const detail::part_verdict& v) { state->on_verdict(v); },
      [state](const member_event& e) { state->on_member(e); },
  };
}

} // namespace

namespace detail {

caf::actor spawn_driver(node& n, std::shared_ptr<driver_shared> shared, driver_config cfg, group g,
                        std::shared_ptr<driver_beginning> from) {
  auto name = cfg.label + "-driver";
  return spawn(n, {.name = std::move(name), .type = "driver"}, drive, std::move(shared),
               std::move(cfg), std::move(g), std::move(from));
}

} // namespace detail

void add_driver_command_type(caf::actor_system_config& cfg) {
  cfg.add_message_type<driver_command>("troupe::actors::driver_command");
}

} // namespace troupe::actors
