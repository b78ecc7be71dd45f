/// @file
/// `troupe::actors::run_farm`: a master hands tasks to workers on this node and the joined one,
/// by pull, retries the task of a worker that died on another worker, and gives back every
/// task's outcome exactly once, in task order.
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
  /// Tasks handed out at once at most (0: one per worker). Each worker holds one at a time.
  std::size_t in_flight = 0;
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

/// The farm's messages (sent between master and workers, also across nodes).
struct farm_link {
  caf::actor master;
  std::uint64_t farm = 0;
};

/// A worker's first word to its master; later, each `farm_result` also means "ready".
struct farm_ready {
  std::uint64_t farm = 0;
  caf::actor worker;
};

struct farm_job {
  std::uint64_t farm = 0;
  std::uint64_t id = 0;
  bool stop = false;
  caf::message task;
};

struct farm_result {
  std::uint64_t farm = 0;
  std::uint64_t id = 0;
  caf::message value;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, farm_link& x) {
  return f(caf::meta::type_name("troupe::actors::farm_link"), x.master, x.farm);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, farm_ready& x) {
  return f(caf::meta::type_name("troupe::actors::farm_ready"), x.farm, x.worker);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, farm_job& x) {
  return f(caf::meta::type_name("troupe::actors::farm_job"), x.farm, x.id, x.stop, x.task);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, farm_result& x) {
  return f(caf::meta::type_name("troupe::actors::farm_result"), x.farm, x.id, x.value);
}

/// Registers the farm's messages with `cfg`, on every node that hosts the master or workers
/// (the task and result types are the program's to register).
void add_farm_types(caf::actor_system_config& cfg);

namespace detail {

/// A job's outcome as the master keeps it, before it is given its type.
struct farm_entry {
  std::uint64_t id = 0;
  int attempts = 0;
  std::optional<error> failure;
  caf::message value;
};

/// Runs the master to the end; `on_done` sees each outcome as it settles (on the master).
result<std::pair<std::vector<farm_entry>, farm_summary>>
run_master(node& n, const farm_options& opts, std::vector<caf::message> tasks,
           std::function<void(const farm_entry&)> on_done);

template <class Task, class F>
task<void> farm_worker_loop(context& self, F fn) {
  auto link = co_await receive<farm_link>(self);
  auto mine = link.farm;
  // Ready once; afterwards each result says the worker is ready for the next task.
  self.send(link.master, farm_ready{mine, self.handle()});
  for (;;) {
    auto job = co_await receive<farm_job>(
        self, where([mine](const farm_job& j) { return j.farm == mine; }));
    if (job.stop)
      co_return;
    const auto& t = job.task.template get_as<Task>(0);
    auto value = caf::make_message(co_await fn(self, t));
    self.send(link.master, farm_result{mine, job.id, std::move(value)});
  }
}

/// A worker whose function returns its result directly: a behavior, without a coroutine's
/// suspension and resumption per task (measured: farm_overhead, docs/PERFORMANCE.md).
template <class Task, class F>
behavior farm_worker_behavior(context& self, F fn) {
  auto link = std::make_shared<farm_link>();
  return {
      [&self, link](farm_link& l) {
        *link = std::move(l);
        self.send(link->master, farm_ready{link->farm, self.handle()});
      },
      [&self, link, fn](farm_job& job) {
        if (job.farm != link->farm)
          return;
        if (job.stop) {
          self.quit();
          return;
        }
        auto value = caf::make_message(fn(self, job.task.template get_as<Task>(0)));
        self.send(link->master, farm_result{link->farm, job.id, std::move(value)});
      },
  };
}

} // namespace detail

/// Makes the `actor_factory` of a farm's workers, for `node_config::add_actor_type` on every
/// node: each worker runs `fn(self, task)` (returning a `Result`, or a `task<Result>`
/// coroutine that may await kernels, requests, timers) for one task at a time. An exception
/// ends the worker: its task goes to another worker.
///
/// ```cpp
/// cfg.add_actor_type("pricer.worker", troupe::actors::farm_worker<chunk>(price_chunk));
/// ```
template <class Task, class F>
actor_factory farm_worker(F fn) {
  using out = std::invoke_result_t<F&, context&, const Task&>;
  if constexpr (::troupe::detail::is_task<out>::value)
    return make_factory<>([fn](context& self) { return detail::farm_worker_loop<Task>(self, fn); });
  else
    return make_factory<>(
        [fn](context& self) { return detail::farm_worker_behavior<Task>(self, fn); });
}

/// Runs `tasks` (ids 0..n-1) on a farm of `opts.worker_type` workers on this node and the
/// joined one, from a thread that may block (`main`), and returns every task's outcome in
/// task order, once each: a task whose workers kept dying is a failed outcome naming the last
/// worker's end, not an error of the whole farm. `on_result` (optional) sees each outcome as
/// it completes, on the farm's master actor. Fails only when no worker can be started.
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
  auto typed = [](const detail::farm_entry& e) {
    farm_outcome<Result> o;
    o.id = e.id;
    o.attempts = e.attempts;
    if (e.failure)
      o.value = *e.failure;
    else if (e.value.match_elements<Result>())
      o.value = e.value.get_as<Result>(0);
    else
      o.value = error{errc::wrong_reply_type, "task " + std::to_string(e.id) +
                                                  ": the worker's result is not of the type "
                                                  "run_farm expects"};
    return o;
  };
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

} // namespace troupe::actors
