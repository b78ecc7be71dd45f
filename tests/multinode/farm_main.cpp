// A test node for tests/multinode/farm.test.cpp: a task farm with workers on every process.
// Serving (--listen alone, or a rank other than 0 of a job) it serves "square" workers, slow
// ones (each task sleeps 20 ms, 1 ms on the driving node; with --hold the first task of each
// never ends), prints "worked a task" once its first task is done, and runs until killed.
// Driving (--join, or rank 0 of a job) it runs --tasks tasks (t → t²) on 2 workers on every
// member, prints "done: N" after each outcome, then one summary line:
// the number of outcomes, of distinct ids, of failures, whether every value is t², how many tasks
// took more than one attempt, and how many workers were lost.
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <future>
#include <set>
#include <string>

#include <troupe/actors/farm.hpp>
#include <troupe/actors/job.hpp>
#include <troupe/troupe.hpp>

using namespace std::chrono_literals;
namespace ta = troupe::actors;

namespace {

std::atomic<bool> slow{false};
std::atomic<bool> hold{false};
std::atomic<bool> worked{false};

troupe::task<std::int64_t> square(troupe::context& self, const std::int64_t& t) {
  if (hold) {
    std::printf("holding task %" PRId64 "\n", t);
    std::fflush(stdout);
    co_await troupe::sleep(self, troupe::infinite);
  }
  // Here 1 ms a task, so that the remote workers (20 ms) come to take tasks before the end.
  co_await troupe::sleep(self, slow ? 20ms : 1ms);
  if (slow && !worked.exchange(true)) {
    std::printf("worked a task\n");
    std::fflush(stdout);
  }
  co_return t* t;
}

} // namespace

int main(int argc, char** argv) {
  troupe::node_config cfg{"farm_main", "A task farm on two processes."};
  std::int64_t tasks = 200;
  cfg.option(tasks, "tasks", "tasks to run with --join (default 200)");
  bool held = false;
  cfg.option(held, "hold", "with --listen: the workers here never finish a task");
  cfg.set("middleman.heartbeat-interval", caf::timespan{500ms});
  cfg.set("middleman.connection-timeout", caf::timespan{2s});
  ta::add_farm_types(cfg);
  cfg.add_actor_type("square", ta::farm_worker<std::int64_t>(square));
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    if (ta::role_of(n) == ta::job_role::serve) {
      slow = true;
      hold = held;
      // Serves workers until the test ends this process (a farm does not end its listener,
      // and a supervisor test restarts workers here).
      std::promise<void>{}.get_future().wait();
      return 0;
    }
    std::vector<std::int64_t> list;
    for (std::int64_t t = 0; t < tasks; ++t)
      list.push_back(t);
    ta::farm_options opts{
        .worker_type = "square", .workers_per_node = 2, .timeout = std::chrono::seconds{60}};
    std::size_t settled = 0;
    ta::farm_summary summary;
    auto done = ta::run_farm<std::int64_t, std::int64_t>(
        n, opts, list,
        [&](const ta::farm_outcome<std::int64_t>&) {
          std::printf("done: %zu\n", ++settled);
          std::fflush(stdout);
        },
        &summary);
    if (!done) {
      std::fprintf(stderr, "farm_main: %s\n", done.error().message().c_str());
      return 1;
    }
    std::set<std::uint64_t> ids;
    bool right = true;
    std::size_t retried = 0;
    for (auto& o : *done) {
      ids.insert(o.id);
      retried += o.attempts > 1 ? 1 : 0;
      right = right && o.value && *o.value == static_cast<std::int64_t>(o.id * o.id);
    }
    std::printf(
        "summary: %zu outcomes, %zu ids, %zu failed, values %s, %zu retried, %zu workers lost\n",
        done->size(), ids.size(), summary.failed, right ? "right" : "WRONG", retried,
        summary.workers_lost);
    return 0;
  });
}
