#include "fixture.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace troupe::test;

TEST_CASE("parallel_for runs every index once, on the node's workers only",
          "[runtime][parallel_for]") {
  auto threads = GENERATE(1u, 2u, 4u);
  CAPTURE(threads);
  auto n = start_node(threads);
  auto workers = n.worker_threads();
  REQUIRE(workers.size() == threads);
  constexpr std::size_t count = 100000;
  auto hits = std::make_shared<std::vector<std::atomic<int>>>(count);
  auto seen = std::make_shared<std::set<std::thread::id>>();
  auto mtx = std::make_shared<std::mutex>();
  outcome<bool> done;
  troupe::spawn(n, [=, p = done.promise](troupe::context& self) -> troupe::task<> {
    co_await troupe::parallel_for(self, 0, count, [&](std::size_t b, std::size_t e) {
      for (auto i = b; i < e; ++i)
        (*hits)[i].fetch_add(1);
      std::lock_guard<std::mutex> guard{*mtx};
      seen->insert(std::this_thread::get_id());
    });
    p->set_value(true);
  });
  REQUIRE(done.get("the kernel"));
  CHECK(std::all_of(hits->begin(), hits->end(), [](auto& h) { return h.load() == 1; }));
  for (auto id : *seen)
    CHECK(std::find(workers.begin(), workers.end(), id) != workers.end());
}

TEST_CASE("parallel_for awaited by 100 actors at once completes with one worker",
          "[runtime][parallel_for]") {
  auto threads = GENERATE(1u, 2u);
  CAPTURE(threads);
  auto n = start_node(threads);
  constexpr int actors = 100;
  auto sums = std::make_shared<std::vector<std::atomic<long>>>(actors);
  auto finished = std::make_shared<std::atomic<int>>(0);
  outcome<bool> all;
  for (int a = 0; a < actors; ++a)
    troupe::spawn(n, [=, p = all.promise](troupe::context& self) -> troupe::task<> {
      co_await troupe::parallel_for(self, 0, 1000,
                                    [&](std::size_t i) { (*sums)[a].fetch_add(long(i)); });
      if (finished->fetch_add(1) + 1 == actors)
        p->set_value(true);
    });
  REQUIRE(all.get("all 100 kernels"));
  for (auto& s : *sums)
    CHECK(s.load() == 999L * 1000 / 2);
}

TEST_CASE("parallel_for rethrows a chunk's exception at co_await", "[runtime][parallel_for]") {
  auto n = start_node(2);
  outcome<std::string> got;
  troupe::spawn(n, [p = got.promise](troupe::context& self) -> troupe::task<> {
    try {
      co_await troupe::parallel_for(self, 0, 100, [](std::size_t i) {
        if (i == 57)
          throw std::domain_error("bad cell 57");
      });
      p->set_value("no exception");
    } catch (const std::domain_error& e) {
      p->set_value(e.what());
    }
  });
  CHECK(got.get("the exception") == "bad cell 57");
}

TEST_CASE("blocking parallel_for from a worker thread does not deadlock with one worker",
          "[runtime][parallel_for]") {
  auto n = start_node(1);
  auto* sys = &n.system();
  outcome<long> got;
  auto a = troupe::spawn(n, [sys](troupe::context&) -> troupe::behavior {
    return {[sys](int count) {
      std::atomic<long> sum{0};
      troupe::parallel_for(*sys, 0, std::size_t(count), [&](std::size_t i) { sum += long(i); });
      return sum.load();
    }};
  });
  caf::scoped_actor client{n.system()};
  long sum = -1;
  client->request(a, std::chrono::seconds(20), 1000)
      .receive([&](long v) { sum = v; }, [&](caf::error& e) { FAIL(n.system().render(e)); });
  CHECK(sum == 999L * 1000 / 2);
}

TEST_CASE("blocking parallel_for from main sums the range", "[runtime][parallel_for]") {
  auto n = start_node(2);
  std::vector<double> v(1 << 16, 0.5);
  troupe::parallel_for(n.system(), 0, v.size(), [&](std::size_t b, std::size_t e) {
    for (auto i = b; i < e; ++i)
      v[i] *= 4;
  });
  CHECK(std::accumulate(v.begin(), v.end(), 0.0) == 2.0 * v.size());
}

TEST_CASE("blocking parallel_for from main takes the chunks of workers busy elsewhere",
          "[runtime][parallel_for]") {
  // Each runner owns a run of chunks and takes the others' when out of its own: with both
  // workers held by actors until the kernel is over, main must run every chunk itself.
  auto n = start_node(2);
  auto entered = std::make_shared<std::atomic<int>>(0);
  auto release = std::make_shared<std::atomic<bool>>(false);
  outcome<bool> held;
  for (int a = 0; a < 2; ++a)
    troupe::spawn(n, [entered, release, p = held.promise](troupe::context&) -> troupe::task<> {
      if (entered->fetch_add(1) + 1 == 2)
        p->set_value(true);
      auto limit = std::chrono::steady_clock::now() + 30s;
      while (!release->load() && std::chrono::steady_clock::now() < limit)
        std::this_thread::yield();
      co_return;
    });
  REQUIRE(held.get("both workers held by an actor"));
  std::vector<int> hits(1000, 0);
  auto started = std::chrono::steady_clock::now();
  troupe::parallel_for(n.system(), 0, hits.size(), [&](std::size_t i) { ++hits[i]; });
  auto took = std::chrono::steady_clock::now() - started;
  release->store(true);
  CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
  INFO("the workers' chunks waited for the workers (held 30 s) instead of being taken");
  CHECK(took < 10s);
}

TEST_CASE("a kernel under scheduler.policy sharing runs its chunks on two workers at once",
          "[runtime][parallel_for]") {
  troupe::node_config cfg{"test"};
  cfg.threads = 2;
  cfg.set("scheduler.policy", caf::atom("sharing"));
  auto n = troupe::node::start(std::move(cfg));
  REQUIRE(n);
  // Each of the two chunks waits (bounded) for the other to start: run one after the other,
  // the first gives up after its limit and the kernel reports that it never met the second.
  auto arrived = std::make_shared<std::atomic<int>>(0);
  auto met = std::make_shared<std::atomic<int>>(0);
  outcome<int> got;
  troupe::spawn(*n, [=, p = got.promise](troupe::context& self) -> troupe::task<> {
    auto body = [arrived, met](std::size_t) {
      arrived->fetch_add(1);
      auto limit = std::chrono::steady_clock::now() + 10s;
      while (arrived->load() < 2 && std::chrono::steady_clock::now() < limit)
        std::this_thread::yield();
      if (arrived->load() == 2)
        met->fetch_add(1);
    };
    co_await troupe::parallel_for(self, 0, 2, body, {.chunks = 2});
    p->set_value(met->load());
  });
  INFO("chunks that saw the other chunk start within 10 s (2 when they ran side by side)");
  CHECK(got.get("the two-chunk kernel", 30s) == 2);
}

TEST_CASE("an actor that a chunk waits for runs while the other worker has no chunk left",
          "[runtime][parallel_for]") {
  // The worker whose chunks ran out waits for the kernel's end only while no job is queued:
  // the actor that the long chunk waits for must still get a worker.
  auto n = start_node(2);
  auto answered = std::make_shared<std::atomic<bool>>(false);
  auto in_time = std::make_shared<std::atomic<bool>>(false);
  auto responder = troupe::spawn(n, [answered](troupe::context&) -> troupe::behavior {
    return {[answered](int) { answered->store(true); }};
  });
  outcome<bool> got;
  troupe::spawn(n, [=, p = got.promise](troupe::context& self) -> troupe::task<> {
    auto body = [answered, in_time, responder](std::size_t i) {
      if (i == 0)
        return;
      caf::anon_send(responder, 1);
      auto limit = std::chrono::steady_clock::now() + 10s;
      while (!answered->load() && std::chrono::steady_clock::now() < limit)
        std::this_thread::yield();
      in_time->store(answered->load());
    };
    co_await troupe::parallel_for(self, 0, 2, body, {.chunks = 2});
    p->set_value(in_time->load());
  });
  INFO("whether the actor ran while the chunk waited for it (10 s limit)");
  CHECK(got.get("the kernel", 30s));
}
