#include <troupe/actors/farm.hpp>

#include <atomic>
#include <memory>

#include <caf/send.hpp>

#include <troupe/actors/job.hpp>
#include <troupe/launch.hpp>
#include <troupe/remote.hpp>

#include "internal/farm_master.hpp"

namespace troupe::actors {

void add_farm_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<farm_link>("troupe::actors::farm_link");
  cfg.add_message_type<farm_ready>("troupe::actors::farm_ready");
  cfg.add_message_type<farm_job>("troupe::actors::farm_job");
  cfg.add_message_type<farm_result>("troupe::actors::farm_result");
}

namespace detail {
namespace {

std::uint64_t next_farm_id() {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

void end_all(const std::vector<caf::actor>& local, const std::vector<caf::actor>& remote) {
  for (const auto* list : {&local, &remote})
    for (const auto& w : *list)
      caf::anon_send_exit(w, caf::exit_reason::kill);
}

} // namespace

farm_channel::farm_channel(caf::actor master, std::uint64_t id, std::size_t tasks, duration timeout,
                           std::uint64_t watch)
  : master_(std::move(master))
  , id_(id)
  , tasks_(tasks)
  , timed_(timeout != infinite)
  , watch_(watch) {
  if (timed_)
    deadline_ = std::chrono::steady_clock::now() + timeout;
}

task<result<farm_news>> farm_channel::news(context& self) {
  auto mine = where([id = id_](const farm_news& n) { return n.farm == id; });
  auto left = timed_ ? std::max(duration{0}, std::chrono::duration_cast<duration>(
                                                 deadline_ - std::chrono::steady_clock::now()))
                     : infinite;
  auto news = co_await receive<farm_news>(self, mine, left);
  if (!news) {
    // Its workers end with it (end_with_master).
    self.unwatch(watch_);
    self.send_exit(master_, caf::exit_reason::kill);
    finished_ = true;
    co_return error{errc::timeout, "farm: not done after its timeout (" + std::to_string(given_) +
                                       " of " + std::to_string(tasks_) +
                                       " tasks settled); ended it"};
  }
  if (news->failure) {
    finished_ = true;
    co_return error{news->failure->code(),
                    "farm: the master ended early: " + news->failure->message()};
  }
  if (news->finished) {
    self.unwatch(watch_);
    finished_ = true;
    summary_ = news->summary;
  } else {
    ++given_;
  }
  co_return std::move(*news);
}

task<result<std::optional<farm_entry>>> farm_channel::next(context& self) {
  if (finished_ || tasks_ == 0)
    co_return std::optional<farm_entry>{};
  auto n = co_await news(self);
  if (!n)
    co_return n.error();
  if (n->finished)
    co_return std::optional<farm_entry>{};
  co_return std::optional{std::move(n->entry)};
}

task<result<farm_collected>> farm_channel::all(context& self) {
  if (tasks_ == 0)
    co_return farm_collected{};
  for (;;) {
    auto n = co_await news(self);
    if (!n)
      co_return n.error();
    if (n->finished)
      co_return farm_collected{std::move(n->all), summary_};
  }
}

task<result<farm_channel>> start_master(context& self, node& n, farm_options opts,
                                        std::vector<caf::message> tasks, bool stream,
                                        std::function<void(const farm_entry&)> on_done) {
  if (opts.max_attempts < 1)
    co_return error{errc::bad_option, "farm: max_attempts must be at least 1 (got " +
                                          std::to_string(opts.max_attempts) + ")"};
  auto id = next_farm_id();
  if (tasks.empty())
    co_return farm_channel{caf::actor{}, id, 0, opts.timeout, 0};
  auto per_node = opts.workers_per_node > 0 ? opts.workers_per_node : n.threads();
  master_plan plan;
  for (std::size_t i = 0; i < per_node; ++i) {
    auto w = n.spawn_named(opts.worker_type, caf::make_message());
    if (!w) {
      end_all(plan.local, plan.remote);
      co_return error{w.error().code(), "farm: worker of type '" + opts.worker_type +
                                            "' on this node: " + w.error().message()};
    }
    plan.local.push_back(std::move(*w));
  }
  auto hosts = co_await run_members(self, n, opts.members_timeout);
  if (!hosts) {
    end_all(plan.local, plan.remote);
    co_return error{hosts.error().code(), "farm: " + hosts.error().message()};
  }
  for (const auto& host : *hosts) {
    if (host.local)
      continue;
    for (std::size_t i = 0; i < per_node; ++i) {
      auto w = co_await spawn_remote(self, host.at, opts.worker_type, std::chrono::seconds{10});
      if (!w) {
        end_all(plan.local, plan.remote);
        co_return error{w.error().code(), "farm: worker of type '" + opts.worker_type +
                                              "' on node " + host.address.to_string() + ": " +
                                              w.error().message()};
      }
      plan.remote.push_back(std::move(*w));
    }
  }
  auto count = tasks.size();
  auto timeout = opts.timeout;
  plan.opts = std::move(opts);
  plan.id = id;
  plan.tasks = std::move(tasks);
  plan.client = self.handle();
  plan.stream = stream;
  plan.on_done = std::move(on_done);
  auto master = spawn_master(n, std::move(plan));
  auto watch = self.watch(master, [&self, id](const result<void>& how) {
    if (!how)
      self.send(self.handle(), farm_news{id, false, how.error(), {}, {}, {}});
  });
  co_return farm_channel{std::move(master), id, count, timeout, watch};
}

result<farm_collected> run_master(node& n, const farm_options& opts,
                                  std::vector<caf::message> tasks,
                                  std::function<void(const farm_entry&)> on_done) {
  // The outcomes stay with the master until the end: one message for the whole farm (a
  // message per outcome took farm_overhead from 0.73 M to 0.31 M tasks/s).
  auto collect =
      [](context& self, node* n, farm_options opts, std::vector<caf::message> tasks,
         std::function<void(const farm_entry&)> on_done) -> task<result<farm_collected>> {
    auto farm = co_await start_master(self, *n, std::move(opts), std::move(tasks), false,
                                      std::move(on_done));
    if (!farm)
      co_return farm.error();
    co_return co_await farm->all(self);
  };
  auto ran = launch(n, {.name = opts.label + "-collect", .type = "farm"}, collect, &n, opts,
                    std::move(tasks), std::move(on_done));
  auto got = ran.get();
  if (!got)
    return got.error();
  return std::move(*got);
}

} // namespace detail
} // namespace troupe::actors
