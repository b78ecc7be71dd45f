/// @file
/// `troupe::actors::run_farm` and `start_farm`: a master hands tasks to workers on every member,
/// by pull, retries the task of a worker that died on another worker, and gives back every
/// task's outcome exactly once: to plain code in task order, to a coroutine as each settles or
/// in task order.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>
#include <caf/meta/type_name.hpp>

#include <troupe/actors/farm_worker.hpp>
#include <troupe/actors/progress.hpp>
#include <troupe/behavior.hpp>
#include <troupe/node.hpp>
#include <troupe/receive.hpp>
#include <troupe/result.hpp>
#include <troupe/task.hpp>

namespace troupe::actors {

/// How a farm runs.
struct farm_options {
  /// The workers' type, registered on every node with `farm_worker<Task>(fn)`.
  std::string worker_type;
  /// Workers on each member of the cluster (`run_members`: in a job of N processes, once all N
  /// joined); 0: this node's thread count.
  std::size_t workers_per_node = 0;
  /// In a job of N processes (troupe-run, Slurm), how long the farm waits for all N to join.
  std::chrono::milliseconds members_timeout = std::chrono::seconds{30};
  /// Tasks handed out at once at most (0: as many as the workers hold, below).
  std::size_t in_flight = 0;
  /// Tasks a worker holds besides the one it runs, so that it starts the next without waiting
  /// for the master (farm_overhead under chrt: 1.02 of raw CAF with 1, 0.62 with 0; 0.74 with 1
  /// on a quiet machine, docs/PERFORMANCE.md). Celery calls it prefetch.
  /// A held task waits for the one before it, even when another worker is idle: 0 for tasks
  /// whose lengths differ a lot.
  std::size_t prefetch = 1;
  /// A task is tried at most this often: its worker dying (an exception, a kill, a lost node)
  /// costs an attempt; after the last, the task is reported failed and the farm goes on.
  int max_attempts = 3;
  /// How long `run_farm` waits for the last outcome; then it ends the farm and fails with
  /// `errc::timeout`.
  duration timeout = infinite;
  /// Progress on stderr (done/total, tasks/s, ETA), under `label`.
  progress_mode progress = progress_mode::off;
  std::string label = "farm";
};

/// One task's outcome: its result, or why it failed (its last worker's end), and how many
/// workers it took.
template <class Result>
struct farm_outcome {
  std::uint64_t id = 0;
  int attempts = 0;
  result<Result> value = error{errc::actor_exited, "not run"};
};

/// What a finished farm did besides the outcomes.
struct farm_summary {
  std::size_t tasks = 0;
  std::size_t failed = 0;
  /// Workers that died (and were replaced on this node) while the farm ran.
  std::size_t workers_lost = 0;
};

namespace detail {

/// A job's outcome as the master keeps it, before it is given its type.
struct farm_entry {
  std::uint64_t id = 0;
  int attempts = 0;
  std::optional<error> failure;
  caf::message value;
};

/// What a farm's master tells the actor that started it (on the same node): an outcome
/// settled (when it streams them); or, after the last, the farm finished (with every outcome
/// when it does not stream them); or the master ended before (`failure`).
struct farm_news {
  std::uint64_t farm = 0;
  bool finished = false;
  std::optional<error> failure;
  farm_entry entry;
  farm_summary summary;
  std::vector<farm_entry> all;
};

/// Every outcome in task order, and the summary.
using farm_collected = std::pair<std::vector<farm_entry>, farm_summary>;

/// The starting actor's end of a running farm, before outcomes get their type.
class farm_channel {
public:
  farm_channel() = default;
  farm_channel(caf::actor master, std::uint64_t id, std::size_t tasks, duration timeout,
               std::uint64_t watch);

  /// The next outcome to settle (a streaming farm); nullopt after the last. Fails when the
  /// farm's timeout passed (the farm is ended) or its master was ended from outside.
  task<result<std::optional<farm_entry>>> next(context& self);

  /// Every outcome at once, when the farm ends (a farm that does not stream); fails as `next`.
  task<result<farm_collected>> all(context& self);

  [[nodiscard]] std::size_t size() const noexcept {
    return tasks_;
  }

  [[nodiscard]] const farm_summary& summary() const noexcept {
    return summary_;
  }

private:
  task<result<farm_news>> news(context& self);

  caf::actor master_;
  std::uint64_t id_ = 0;
  std::size_t tasks_ = 0;
  std::size_t given_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  bool timed_ = false;
  std::uint64_t watch_ = 0;
  bool finished_ = false;
  farm_summary summary_;
};

/// Starts the workers (on every member, as `run_members` finds them) and the master, which
/// reports to `self`: each outcome as it settles (`stream`), or all at the end. `on_done`
/// (optional) sees each outcome as it settles, on the master.
task<result<farm_channel>> start_master(context& self, node& n, farm_options opts,
                                        std::vector<caf::message> tasks, bool stream,
                                        std::function<void(const farm_entry&)> on_done = {});

/// Runs a farm to the end from plain code; `on_done` sees each outcome as it settles (on the
/// master).
result<farm_collected> run_master(node& n, const farm_options& opts,
                                  std::vector<caf::message> tasks,
                                  std::function<void(const farm_entry&)> on_done);

/// A settled entry as the program's outcome type.
template <class Result>
farm_outcome<Result> typed_outcome(const farm_entry& e) {
  farm_outcome<Result> o;
  o.id = e.id;
  o.attempts = e.attempts;
  if (e.failure)
    o.value = *e.failure;
  else if (e.value.match_elements<Result>())
    o.value = e.value.get_as<Result>(0);
  else
    o.value = error{errc::wrong_reply_type, "task " + std::to_string(e.id) +
                                                ": the worker's result is not of the type the "
                                                "farm's caller expects"};
  return o;
}

} // namespace detail

/// Runs `tasks` (ids 0..n-1) on a farm of `opts.worker_type` workers on every member, from a
/// thread that may block (`main`), and returns every task's outcome in task order, once each:
/// a task whose workers kept dying is a failed outcome naming the last worker's end, not an
/// error of the whole farm. `on_result` (optional) sees each outcome as it completes, on the farm's
/// master actor. Fails when a worker cannot be started or after `opts.timeout`.
/// From a coroutine, use `start_farm`.
///
/// ```cpp
/// auto done = troupe::actors::run_farm<chunk, double>(node, opts, chunks).value();
/// for (auto& o : done) if (o.value) total += *o.value;
/// ```
template <class Task, class Result>
result<std::vector<farm_outcome<Result>>>
run_farm(node& n, const farm_options& opts, const std::vector<Task>& tasks,
         std::function<void(const farm_outcome<Result>&)> on_result = {},
         farm_summary* summary = nullptr) {
  auto typed = [](const detail::farm_entry& e) { return detail::typed_outcome<Result>(e); };
  std::vector<caf::message> messages;
  messages.reserve(tasks.size());
  for (const auto& t : tasks)
    messages.push_back(caf::make_message(t));
  std::function<void(const detail::farm_entry&)> seen;
  if (on_result)
    seen = [&](const detail::farm_entry& e) { on_result(typed(e)); };
  auto ran = detail::run_master(n, opts, std::move(messages), seen);
  if (!ran)
    return ran.error();
  if (summary)
    *summary = ran->second;
  std::vector<farm_outcome<Result>> out;
  out.reserve(ran->first.size());
  for (const auto& e : ran->first)
    out.push_back(typed(e));
  return out;
}

/// A running farm, held by the coroutine that started it (`start_farm`): it takes the
/// outcomes as they settle (`next`) or in task order (`next_in_order`), once each.
template <class Result>
class farm_run {
public:
  explicit farm_run(detail::farm_channel channel)
    : channel_(std::move(channel))
    , held_(channel_.size()) {
  }

  /// The next outcome to settle, in completion order; nullopt once every task's outcome was
  /// given. Fails with `errc::timeout` once `opts.timeout` passed since the start (the farm is
  /// then ended), or `errc::actor_exited` when the master was ended from outside.
  task<result<std::optional<farm_outcome<Result>>>> next(context& self) {
    if (taken_ < held_.size()) // settled earlier, held for next_in_order: give them first
      for (auto& h : held_)
        if (h && !h->second) {
          h->second = true;
          ++taken_;
          co_return std::optional{h->first};
        }
    auto e = co_await channel_.next(self);
    if (!e)
      co_return e.error();
    if (!*e)
      co_return std::optional<farm_outcome<Result>>{};
    ++taken_;
    held_[(*e)->id].emplace(detail::typed_outcome<Result>(**e), true);
    co_return std::optional{held_[(*e)->id]->first};
  }

  /// The next outcome in task order (task 0, 1, ...): waits until that task settled, keeping
  /// the others that settle meanwhile; nullopt after the last task.
  task<result<std::optional<farm_outcome<Result>>>> next_in_order(context& self) {
    while (in_order_ < held_.size() && !held_[in_order_]) {
      auto e = co_await channel_.next(self);
      if (!e)
        co_return e.error();
      if (!*e)
        break;
      held_[(*e)->id].emplace(detail::typed_outcome<Result>(**e), false);
    }
    if (in_order_ == held_.size() || !held_[in_order_])
      co_return std::optional<farm_outcome<Result>>{};
    auto& h = *held_[in_order_++];
    if (!h.second) {
      h.second = true;
      ++taken_;
    }
    co_return std::optional{std::move(h.first)};
  }

  /// The tasks' count.
  [[nodiscard]] std::size_t size() const noexcept {
    return held_.size();
  }

  /// What the farm did besides the outcomes; complete once `next` gave nullopt.
  [[nodiscard]] const farm_summary& summary() const noexcept {
    return channel_.summary();
  }

private:
  detail::farm_channel channel_;
  /// Settled outcomes by task id, and whether `next` gave them already.
  std::vector<std::optional<std::pair<farm_outcome<Result>, bool>>> held_;
  std::size_t taken_ = 0;
  std::size_t in_order_ = 0;
};

/// Starts a farm from a coroutine (the actor `self`, on `n`): spawns the workers on every
/// member without blocking the worker thread, and returns the running farm, whose outcomes
/// reach `self`. Fails as `run_farm` does when a worker cannot be started.
///
/// ```cpp
/// auto farm = co_await troupe::actors::start_farm<chunk, double>(self, node, opts, chunks);
/// if (!farm) co_return farm.error();
/// for (;;) {
///   auto o = co_await farm->next(self);   // as they settle
///   if (!o) co_return o.error();          // the timeout passed, or the master was ended
///   if (!*o) break;                       // all given
///   if ((*o)->value) total += *(*o)->value;
/// }
/// ```
template <class Task, class Result>
task<result<farm_run<Result>>> start_farm(context& self, node& n, farm_options opts,
                                          std::vector<Task> tasks) {
  std::vector<caf::message> messages;
  messages.reserve(tasks.size());
  for (const auto& t : tasks)
    messages.push_back(caf::make_message(t));
  auto channel = co_await detail::start_master(self, n, std::move(opts), std::move(messages), true);
  if (!channel)
    co_return channel.error();
  co_return farm_run<Result>{std::move(*channel)};
}

} // namespace troupe::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::actors::detail::farm_news)
