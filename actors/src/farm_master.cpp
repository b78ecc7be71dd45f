// The farm's master: hands out tasks by pull, retries a dead worker's task, and tells the
// actor that started the farm each outcome as it settles, or all of them at the end.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include <troupe/actors/farm.hpp>
#include <troupe/spawn.hpp>

#include "internal/farm_master.hpp"

namespace troupe::actors::detail {

/// The news, from the master's own watch, that a worker ended (local and private).
struct farm_worker_down {
  std::uint64_t farm;
  caf::actor_addr worker;
  result<void> how;
};

} // namespace troupe::actors::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::actors::detail::farm_worker_down)

namespace troupe::actors::detail {
namespace {

struct worker_info {
  caf::actor handle;
  bool local = true;
  /// The tasks it holds, oldest (the one it runs) first.
  std::deque<std::uint64_t> jobs;
};

class farm_master {
public:
  farm_master(context& self, node& n, master_plan plan)
    : self_(self)
    , node_(n)
    , opts_(std::move(plan.opts))
    , id_(plan.id)
    , tasks_(std::move(plan.tasks))
    , outcomes_(tasks_.size())
    , client_(std::move(plan.client))
    , stream_(plan.stream)
    , on_done_(std::move(plan.on_done))
    , shown_(opts_.label, opts_.progress, static_cast<std::int64_t>(tasks_.size())) {
    shown_.counting("task");
    for (std::uint64_t i = 0; i < tasks_.size(); ++i) {
      pending_.push_back(i);
      outcomes_[i].id = i;
    }
    owner_.assign(tasks_.size(), nullptr);
    held_ = opts_.prefetch + 1;
    limit_ =
        opts_.in_flight > 0 ? opts_.in_flight : held_ * (plan.local.size() + plan.remote.size());
    for (auto& w : plan.local)
      adopt(std::move(w), true);
    for (auto& w : plan.remote)
      adopt(std::move(w), false);
  }

  void on_ready(const farm_ready& r) {
    if (r.farm != id_ || done_)
      return;
    auto w = workers_.find(r.worker.address());
    if (w == workers_.end())
      return; // ended since
    for (std::size_t k = 0; k < held_; ++k)
      idle_.push_back(&w->second);
    dispatch();
  }

  void on_result(farm_result& r) {
    if (r.farm != id_ || done_)
      return;
    if (r.id >= owner_.size() || owner_[r.id] == nullptr)
      return; // a task already settled (or never handed out): never counted twice
    auto* w = owner_[r.id];
    std::erase(w->jobs, r.id);
    idle_.push_back(w); // a result means room for the next task
    owner_[r.id] = nullptr;
    --assigned_;
    outcomes_[r.id].value = std::move(r.value);
    settle(r.id);
    dispatch();
  }

  void on_down(const farm_worker_down& news) {
    if (news.farm != id_ || done_)
      return;
    auto w = workers_.find(news.worker);
    if (w == workers_.end())
      return;
    std::erase(idle_, &w->second);
    auto info = std::move(w->second);
    workers_.erase(w);
    ++summary_.workers_lost;
    // Its tasks, newest first so that the one it ran ends up first in line again. Only the
    // oldest had started (a worker runs its tasks in order): the others cost no attempt.
    auto why = news.how ? std::string{"it ended before answering"} : news.how.error().message();
    for (auto k = info.jobs.size(); k-- > 0;) {
      auto id = info.jobs[k];
      owner_[id] = nullptr;
      --assigned_;
      if (k > 0) {
        --outcomes_[id].attempts;
        pending_.push_front(id);
      } else if (outcomes_[id].attempts >= opts_.max_attempts) {
        outcomes_[id].failure =
            error{errc::actor_exited, "task " + std::to_string(id) + " failed " +
                                          std::to_string(outcomes_[id].attempts) +
                                          " times; its last worker: " + why};
        settle(id);
      } else {
        pending_.push_front(id); // retried before newer tasks
      }
    }
    if (done_)
      return;
    // A replacement on this node keeps the farm's width; a lost remote worker is not
    // replaced (its node may be gone).
    if (info.local)
      if (auto fresh = node_.spawn_named(opts_.worker_type, caf::make_message()); fresh)
        adopt(std::move(*fresh), true);
    if (workers_.empty())
      fail_pending("no worker left to run it");
    else
      dispatch();
  }

private:
  void adopt(caf::actor w, bool local) {
    auto addr = w.address();
    self_.send(w, farm_link{self_.handle(), id_});
    self_.watch(w, [ctx = &self_, farm = id_, addr](const result<void>& how) {
      ctx->send(ctx->handle(), farm_worker_down{farm, addr, how});
    });
    workers_.emplace(addr, worker_info{std::move(w), local, {}});
  }

  void dispatch() {
    while (!idle_.empty() && !pending_.empty() && assigned_ < limit_) {
      auto* w = idle_.front();
      idle_.pop_front();
      auto id = pending_.front();
      pending_.pop_front();
      ++outcomes_[id].attempts;
      w->jobs.push_back(id);
      owner_[id] = w;
      ++assigned_;
      self_.send(w->handle, farm_job{id_, id, false, tasks_[id]});
    }
  }

  void settle(std::uint64_t id) {
    if (on_done_)
      on_done_(outcomes_[id]);
    if (stream_)
      self_.send(client_, farm_news{id_, false, std::nullopt, outcomes_[id], {}, {}});
    if (outcomes_[id].failure)
      ++summary_.failed;
    shown_.update(static_cast<std::int64_t>(++settled_));
    if (settled_ == tasks_.size())
      finish();
  }

  void fail_pending(const std::string& why) {
    while (!pending_.empty() && !done_) {
      auto id = pending_.front();
      pending_.pop_front();
      outcomes_[id].failure = error{errc::actor_exited, "task " + std::to_string(id) + ": " + why};
      settle(id);
    }
  }

  void finish() {
    done_ = true;
    shown_.finish(static_cast<std::int64_t>(settled_));
    for (auto& [addr, info] : workers_)
      self_.send(info.handle, farm_job{id_, 0, true, {}});
    summary_.tasks = tasks_.size();
    farm_news last{id_, true, std::nullopt, {}, summary_, {}};
    if (!stream_)
      last.all = std::move(outcomes_);
    self_.send(client_, std::move(last));
    self_.quit();
  }

  context& self_;
  node& node_;
  farm_options opts_;
  std::uint64_t id_;
  std::vector<caf::message> tasks_;
  std::vector<farm_entry> outcomes_;
  caf::actor client_;
  bool stream_;
  std::function<void(const farm_entry&)> on_done_;
  progress shown_;
  std::deque<std::uint64_t> pending_;
  // The workers (a map: its records stay put while others come and go), a worker once per task
  // it has room for, and which worker holds each task (null: none; by task id).
  std::map<caf::actor_addr, worker_info> workers_;
  std::deque<worker_info*> idle_;
  std::vector<worker_info*> owner_;
  std::size_t assigned_ = 0;
  /// Tasks a worker holds at once: the one it runs and `prefetch` more.
  std::size_t held_ = 1;
  std::size_t limit_ = 0;
  std::size_t settled_ = 0;
  farm_summary summary_;
  bool done_ = false;
};

troupe::behavior master(context& self, node* n, master_plan plan) {
  auto state = std::make_shared<farm_master>(self, *n, std::move(plan));
  return {
      [state](const farm_ready& r) { state->on_ready(r); },
      [state](farm_result& r) { state->on_result(r); },
      [state](const farm_worker_down& news) { state->on_down(news); },
  };
}

} // namespace

caf::actor spawn_master(node& n, master_plan plan) {
  auto label = plan.opts.label + "-master";
  return spawn(n, {.name = label, .type = "farm"}, master, &n, std::move(plan));
}

} // namespace troupe::actors::detail
