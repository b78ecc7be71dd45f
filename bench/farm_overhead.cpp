// farm_overhead: --tasks empty tasks (t → t) through troupe::actors::run_farm (one worker per
// core, outcomes kept in task order) against raw CAF: a dispatcher actor keeping each of a
// pool of worker actors (one per core) busy with one request at a time and storing the replies
// by task id. Metric tasks_per_s; goal troupe ≥ 1.0 of caf.
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include <troupe/actors/farm.hpp>
#include <troupe/troupe.hpp>

#include "common/bench.hpp"

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "farm_overhead: %s\n", what.c_str());
  std::exit(1);
}

// -- raw CAF ------------------------------------------------------------------------------------

struct dispatch_state {
  std::int64_t next = 0;
  std::int64_t done = 0;
  std::int64_t total = 0;
  std::vector<std::int64_t> results;
  std::promise<void> finished;
};

void hand_out(caf::event_based_actor* self, const caf::actor& worker,
              const std::shared_ptr<dispatch_state>& st) {
  if (st->next >= st->total)
    return;
  auto id = st->next++;
  self->request(worker, caf::infinite, id).then([=](std::int64_t r) {
    st->results[static_cast<std::size_t>(id)] = r;
    if (++st->done == st->total) {
      st->finished.set_value();
      self->quit();
      return;
    }
    hand_out(self, worker, st);
  });
}

double play_caf(unsigned threads, std::int64_t tasks) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", threads);
  caf::actor_system sys{cfg};
  std::vector<caf::actor> workers;
  for (unsigned i = 0; i < threads; ++i)
    workers.push_back(
        sys.spawn([]() -> caf::behavior { return {[](std::int64_t t) { return t; }}; }));
  auto st = std::make_shared<dispatch_state>();
  st->total = tasks;
  st->results.resize(static_cast<std::size_t>(tasks));
  auto done = st->finished.get_future();
  auto start = std::chrono::steady_clock::now();
  sys.spawn([workers, st](caf::event_based_actor* self) -> caf::behavior {
    for (auto& w : workers)
      hand_out(self, w, st);
    return {[](std::int64_t) {}};
  });
  done.wait();
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  for (auto& w : workers)
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  return took.count();
}

// -- troupe -------------------------------------------------------------------------------------

double play_troupe(unsigned threads, std::int64_t tasks) {
  troupe::node_config cfg{"farm_overhead"};
  cfg.threads = threads;
  troupe::actors::add_farm_types(cfg);
  cfg.add_actor_type("empty", troupe::actors::farm_worker<std::int64_t>(
                                  [](troupe::context&, const std::int64_t& t) { return t; }));
  auto n = troupe::node::start(std::move(cfg));
  if (!n)
    fail(n.error().message());
  std::vector<std::int64_t> list(static_cast<std::size_t>(tasks));
  for (std::int64_t t = 0; t < tasks; ++t)
    list[static_cast<std::size_t>(t)] = t;
  troupe::actors::farm_options opts;
  opts.worker_type = "empty";
  auto start = std::chrono::steady_clock::now();
  auto done = troupe::actors::run_farm<std::int64_t, std::int64_t>(*n, opts, list);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (!done || done->size() != list.size())
    fail(done ? "lost outcomes" : done.error().message());
  return took.count();
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, {"reps", "tasks", "threads"}};
  auto reps = opt.get("reps", 7LL);
  auto tasks = opt.get("tasks", 100000LL);
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  std::vector<double> troupe_rate;
  std::vector<double> caf_rate;
  play_troupe(threads, tasks / 10); // warm-up
  play_caf(threads, tasks / 10);
  for (long long r = 0; r < reps; ++r) {
    troupe_rate.push_back(static_cast<double>(tasks) / play_troupe(threads, tasks));
    caf_rate.push_back(static_cast<double>(tasks) / play_caf(threads, tasks));
  }
  bench::report("farm_overhead", "troupe", "tasks_per_s", troupe_rate, threads,
                {{"tasks", std::to_string(tasks)}});
  bench::report("farm_overhead", "caf", "tasks_per_s", caf_rate, threads,
                {{"tasks", std::to_string(tasks)}});
  return 0;
}
