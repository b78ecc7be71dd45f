/// @file
/// The task farm's messages and its workers' side: `farm_worker<Task>(fn)` makes the factory of
/// a farm's workers (see farm.hpp for the master's side).
#pragma once

#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>
#include <caf/meta/type_name.hpp>

#include <troupe/behavior.hpp>
#include <troupe/node.hpp>
#include <troupe/receive.hpp>
#include <troupe/result.hpp>
#include <troupe/task.hpp>

namespace troupe::actors {

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

/// A worker ends with its master (ended from outside, or its node lost), whatever it awaits.
inline void end_with_master(context& self, const caf::actor& master) {
  self.watch(master, [&self](const result<void>&) { self.quit(); });
}

template <class Task, class F>
task<void> farm_worker_loop(context& self, F fn) {
  auto link = co_await receive<farm_link>(self);
  auto mine = link.farm;
  end_with_master(self, link.master);
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
        end_with_master(self, link->master);
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

} // namespace troupe::actors
