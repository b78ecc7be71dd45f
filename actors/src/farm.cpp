#include <troupe/actors/farm.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <caf/send.hpp>

#include <troupe/actors/job.hpp>
#include <troupe/behavior.hpp>
#include <troupe/spawn.hpp>

namespace troupe::actors {

namespace detail {

/// The news, from the master's own watch, that a worker ended (local and private).
struct farm_worker_down {
  std::uint64_t farm;
  caf::actor_addr worker;
  result<void> how;
};

} // namespace detail
} // namespace troupe::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::actors::detail::farm_worker_down)

namespace troupe::actors {

void add_farm_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<farm_link>("troupe::actors::farm_link");
  cfg.add_message_type<farm_ready>("troupe::actors::farm_ready");
  cfg.add_message_type<farm_job>("troupe::actors::farm_job");
  cfg.add_message_type<farm_result>("troupe::actors::farm_result");
}

namespace {

using detail::farm_entry;

std::uint64_t next_farm_id() {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

// What the master leaves for `run_master`: set once, inside the actor, before it ends.
struct farm_shared {
  std::mutex mtx;
  std::vector<farm_entry> outcomes;
  farm_summary summary;
  /// The workers, for ending them when the master is ended from outside.
  std::vector<caf::actor> workers;
};

struct worker_info {
  caf::actor handle;
  bool local = true;
  std::optional<std::uint64_t> job;
};

class farm_master {
public:
  farm_master(context& self, node& n, farm_options opts, std::vector<caf::message> tasks,
              std::vector<caf::actor> local, std::vector<caf::actor> remote,
              std::function<void(const farm_entry&)> on_done, std::shared_ptr<farm_shared> shared)
    : self_(self)
    , node_(n)
    , opts_(std::move(opts))
    , id_(next_farm_id())
    , tasks_(std::move(tasks))
    , outcomes_(tasks_.size())
    , on_done_(std::move(on_done))
    , shared_(std::move(shared))
    , shown_(opts_.label, opts_.progress, static_cast<std::int64_t>(tasks_.size())) {
    shown_.counting("task");
    for (std::uint64_t i = 0; i < tasks_.size(); ++i) {
      pending_.push_back(i);
      outcomes_[i].id = i;
    }
    limit_ = opts_.in_flight > 0 ? opts_.in_flight : local.size() + remote.size();
    for (auto& w : local)
      adopt(std::move(w), true);
    for (auto& w : remote)
      adopt(std::move(w), false);
  }

  void on_ready(const farm_ready& r) {
    if (r.farm != id_ || done_)
      return;
    idle_.push_back(r.worker);
    dispatch();
  }

  void on_result(farm_result& r) {
    if (r.farm != id_ || done_)
      return;
    auto owner = assigned_.find(r.id);
    if (owner == assigned_.end())
      return; // a task already settled: never counted twice
    if (auto w = workers_.find(owner->second); w != workers_.end()) {
      w->second.job.reset();
      idle_.push_back(w->second.handle); // a result means ready for the next task
    }
    assigned_.erase(owner);
    outcomes_[r.id].value = std::move(r.value);
    settle(r.id);
    dispatch();
  }

  void on_down(const detail::farm_worker_down& news) {
    if (news.farm != id_ || done_)
      return;
    auto w = workers_.find(news.worker);
    if (w == workers_.end())
      return;
    auto info = std::move(w->second);
    workers_.erase(w);
    std::erase_if(idle_, [&](const caf::actor& a) { return a.address() == news.worker; });
    ++summary_.workers_lost;
    if (info.job) {
      auto id = *info.job;
      assigned_.erase(id);
      auto why = news.how ? std::string{"it ended before answering"} : news.how.error().message();
      if (outcomes_[id].attempts >= opts_.max_attempts) {
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
      ctx->send(ctx->handle(), detail::farm_worker_down{farm, addr, how});
    });
    {
      std::lock_guard<std::mutex> guard{shared_->mtx};
      shared_->workers.push_back(w);
    }
    workers_.emplace(addr, worker_info{std::move(w), local, std::nullopt});
  }

  void dispatch() {
    while (!idle_.empty() && !pending_.empty() && assigned_.size() < limit_) {
      auto w = std::move(idle_.front());
      idle_.pop_front();
      auto info = workers_.find(w.address());
      if (info == workers_.end())
        continue; // ended since it asked
      auto id = pending_.front();
      pending_.pop_front();
      ++outcomes_[id].attempts;
      info->second.job = id;
      assigned_.emplace(id, w.address());
      self_.send(w, farm_job{id_, id, false, tasks_[id]});
    }
  }

  void settle(std::uint64_t id) {
    if (on_done_)
      on_done_(outcomes_[id]);
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
    {
      std::lock_guard<std::mutex> guard{shared_->mtx};
      shared_->outcomes = std::move(outcomes_);
      shared_->summary = summary_;
    }
    self_.quit();
  }

  context& self_;
  node& node_;
  farm_options opts_;
  std::uint64_t id_;
  std::vector<caf::message> tasks_;
  std::vector<farm_entry> outcomes_;
  std::function<void(const farm_entry&)> on_done_;
  std::shared_ptr<farm_shared> shared_;
  progress shown_;
  std::deque<std::uint64_t> pending_;
  std::deque<caf::actor> idle_;
  std::map<caf::actor_addr, worker_info> workers_;
  std::unordered_map<std::uint64_t, caf::actor_addr> assigned_;
  std::size_t limit_ = 0;
  std::size_t settled_ = 0;
  farm_summary summary_;
  bool done_ = false;
};

troupe::behavior master(context& self, node* n, farm_options opts, std::vector<caf::message> tasks,
                        std::vector<caf::actor> local, std::vector<caf::actor> remote,
                        std::function<void(const farm_entry&)> on_done,
                        std::shared_ptr<farm_shared> shared) {
  auto state =
      std::make_shared<farm_master>(self, *n, std::move(opts), std::move(tasks), std::move(local),
                                    std::move(remote), std::move(on_done), std::move(shared));
  return {
      [state](const farm_ready& r) { state->on_ready(r); },
      [state](farm_result& r) { state->on_result(r); },
      [state](const detail::farm_worker_down& news) { state->on_down(news); },
  };
}

} // namespace

namespace detail {

result<std::pair<std::vector<farm_entry>, farm_summary>>
run_master(node& n, const farm_options& opts, std::vector<caf::message> tasks,
           std::function<void(const farm_entry&)> on_done) {
  if (opts.max_attempts < 1)
    return error{errc::bad_option, "farm: max_attempts must be at least 1 (got " +
                                       std::to_string(opts.max_attempts) + ")"};
  if (tasks.empty())
    return std::make_pair(std::vector<farm_entry>{}, farm_summary{});
  auto per_node = opts.workers_per_node > 0 ? opts.workers_per_node : n.threads();
  std::vector<caf::actor> local;
  std::vector<caf::actor> remote;
  auto end_all = [&] {
    for (auto* list : {&local, &remote})
      for (auto& w : *list)
        caf::anon_send_exit(w, caf::exit_reason::kill);
  };
  for (std::size_t i = 0; i < per_node; ++i) {
    auto w = n.spawn_named(opts.worker_type, caf::make_message());
    if (!w) {
      end_all();
      return error{w.error().code(), "farm: worker of type '" + opts.worker_type +
                                         "' on this node: " + w.error().message()};
    }
    local.push_back(std::move(*w));
  }
  auto hosts = run_members(n, opts.members_timeout);
  if (!hosts) {
    end_all();
    return error{hosts.error().code(), "farm: " + hosts.error().message()};
  }
  for (const auto& host : *hosts) {
    if (host.local)
      continue;
    for (std::size_t i = 0; i < per_node; ++i) {
      auto w =
          n.spawn_remote(host.at, opts.worker_type, caf::make_message(), std::chrono::seconds{10});
      if (!w) {
        end_all();
        return error{w.error().code(), "farm: worker of type '" + opts.worker_type + "' on node " +
                                           host.address.to_string() + ": " + w.error().message()};
      }
      remote.push_back(std::move(*w));
    }
  }
  auto shared = std::make_shared<farm_shared>();
  auto m = spawn(n, {.name = opts.label + "-master", .type = "farm"}, master, &n, opts,
                 std::move(tasks), std::move(local), std::move(remote), std::move(on_done), shared);
  if (auto ended = n.wait(m, opts.timeout); !ended) {
    if (ended.error() == errc::timeout) {
      caf::anon_send_exit(m, caf::exit_reason::kill); // its workers end with it (below)
      (void)n.wait(m);
    }
    {
      std::lock_guard<std::mutex> guard{shared->mtx};
      for (auto& w : shared->workers)
        caf::anon_send_exit(w, caf::exit_reason::kill);
    }
    return error{ended.error().code(),
                 ended.error() == errc::timeout
                     ? "farm: not done after its timeout; ended it"
                     : "farm: the master ended early: " + ended.error().message()};
  }
  std::lock_guard<std::mutex> guard{shared->mtx};
  return std::make_pair(std::move(shared->outcomes), shared->summary);
}

} // namespace detail

} // namespace troupe::actors
