#include "fixture.hpp"

#include <atomic>
#include <functional>
#include <thread>

using namespace troupe::test;

namespace {

// Polls snapshots until `pred` holds; fails naming `what` after 20 s.
troupe::snapshot wait_for_snapshot(troupe::node& n, const char* what,
                                   const std::function<bool(const troupe::snapshot&)>& pred) {
  auto deadline = std::chrono::steady_clock::now() + 20s;
  for (;;) {
    auto s = n.snapshot();
    if (pred(s))
      return s;
    if (std::chrono::steady_clock::now() > deadline) {
      std::string dump;
      for (auto& a : s.actors) {
        dump += a.name + " " + troupe::to_string(a.current) + " mailbox " +
                std::to_string(a.mailbox_depth) + " stashed " + std::to_string(a.stashed) +
                " received " + std::to_string(a.received) + " sent " + std::to_string(a.sent) +
                " awaits";
        for (auto& w : a.awaits)
          dump += std::string{" "} + troupe::to_string(w.what);
        dump += "\n";
      }
      FAIL("snapshot never showed " << what << "; last snapshot:\n" << dump);
    }
    std::this_thread::yield();
  }
}

bool suspended_on(const troupe::snapshot& s, const char* name, troupe::await_info::kind k) {
  auto* a = s.find(name);
  return a != nullptr && a->current == troupe::actor_info::state::suspended &&
         a->awaits.size() == 1 && a->awaits[0].what == k;
}

} // namespace

TEST_CASE("snapshot shows each actor's state, awaits, mailbox and counters",
          "[runtime][snapshot]") {
  auto n = start_node(4);
  auto t0 = std::chrono::system_clock::now();
  troupe::spawn(n, {.name = "sleeper"},
                [](troupe::context& self) -> troupe::task<> { co_await troupe::sleep(self, 1h); });
  auto waiter = troupe::spawn(n, {.name = "waiter"}, [](troupe::context& self) -> troupe::task<> {
    co_await troupe::receive<int>(self);
  });
  auto silent = troupe::spawn(
      n, {.name = "silent", .type = "black-hole"}, [](troupe::context& self) -> troupe::behavior {
        return {[&self](int) -> caf::result<int> { return self.make_response_promise<int>(); }};
      });
  troupe::spawn(n, {.name = "asker"}, [silent](troupe::context& self) -> troupe::task<> {
    (void)co_await troupe::request<int>(self, silent, 1h, 1);
  });
  auto ponger = troupe::spawn(n, {.name = "ponger"}, [](troupe::context&) -> troupe::behavior {
    return {[](int x) { return x; }};
  });
  // Handles are kept: CAF collects an actor that only awaits messages once nobody can send it
  // one.
  auto parent = troupe::spawn(n, {.name = "parent"}, [](troupe::context& self) -> troupe::task<> {
    auto child = troupe::spawn(self, {.name = "child"}, [](troupe::context& c) -> troupe::task<> {
      co_await troupe::receive<int>(c);
    });
    co_await troupe::receive<int>(self);
  });
  for (int i = 0; i < 3; ++i)
    caf::anon_send(waiter, std::string{"not for you"});
  caf::scoped_actor client{n.system()};
  for (int i = 0; i < 5; ++i)
    client->request(ponger, std::chrono::seconds(10), i).receive([](int) {}, [](caf::error&) {});

  // The replies and the request reached their receivers before the repliers' own counters and
  // state changed (those follow the handler), so wait for everything checked below.
  auto s = wait_for_snapshot(
      n, "sleeper, waiter, asker suspended; silent and ponger idle with their messages counted",
      [](const auto& s) {
        using k = troupe::await_info::kind;
        auto* w = s.find("waiter");
        auto* sil = s.find("silent");
        auto* p = s.find("ponger");
        auto idle = troupe::actor_info::state::idle;
        return suspended_on(s, "sleeper", k::timer) && suspended_on(s, "waiter", k::receive) &&
               suspended_on(s, "asker", k::reply) && w->stashed == 3 &&
               s.find("child") != nullptr && sil != nullptr && sil->current == idle &&
               sil->received == 1 && p != nullptr && p->current == idle && p->received == 5 &&
               p->sent == 5;
      });
  auto* sleeper = s.find("sleeper");
  CHECK(sleeper->type == "coroutine");
  CHECK(sleeper->spawned >= t0 - 1s);
  CHECK(sleeper->awaits[0].until > t0 + 59min);
  CHECK(sleeper->awaits[0].since >= sleeper->spawned);
  auto* w = s.find("waiter");
  CHECK(w->awaits[0].types == "int");
  CHECK(w->stashed == 3); // kept for a later receive, out of CAF's mailbox
  CHECK(w->mailbox_depth == 0);
  CHECK(w->dropped == 0);
  auto* asker = s.find("asker");
  CHECK(asker->awaits[0].peer == silent.id());
  CHECK(asker->sent >= 1);
  auto* sil = s.find("silent");
  CHECK(sil->type == "black-hole");
  CHECK(sil->received == 1);
  auto* p = s.find("ponger");
  CHECK(p->type == "behavior");
  CHECK(p->current == troupe::actor_info::state::idle);
  CHECK(p->received == 5);
  CHECK(p->sent == 5);
  CHECK(p->busy.count() > 0);
  CHECK(s.find("child")->parent == s.find("parent")->id);
  CHECK(s.find("parent")->parent == 0);

  // A kernel with one quick chunk and two chunks held until released.
  auto release = std::make_shared<std::atomic<bool>>(false);
  outcome<bool> crunched;
  troupe::spawn(n, {.name = "cruncher"},
                [release, pc = crunched.promise](troupe::context& self) -> troupe::task<> {
                  auto hold = [release](std::size_t i) {
                    while (i > 0 && !release->load())
                      std::this_thread::yield();
                  };
                  co_await troupe::parallel_for(self, 0, 3, hold, {.name = "stencil", .chunks = 3});
                  pc->set_value(true);
                });
  auto k = wait_for_snapshot(n, "cruncher's kernel with one chunk done", [](const auto& s) {
    return suspended_on(s, "cruncher", troupe::await_info::kind::kernel) &&
           s.find("cruncher")->awaits[0].chunks_done == 1;
  });
  auto& kernel = k.find("cruncher")->awaits[0];
  CHECK(kernel.kernel == "stencil");
  CHECK(kernel.chunks_total == 3);
  release->store(true);
  CHECK(crunched.get("the kernel to finish"));
  wait_for_snapshot(n, "cruncher gone",
                    [](const auto& s) { return s.find("cruncher") == nullptr; });
}

TEST_CASE("snapshot without introspection still lists actors, without awaits",
          "[runtime][snapshot]") {
  auto n = start_node(2, false);
  troupe::spawn(n, {.name = "sleeper"},
                [](troupe::context& self) -> troupe::task<> { co_await troupe::sleep(self, 1h); });
  auto s = wait_for_snapshot(n, "the sleeper", [](const auto& s) { return s.find("sleeper"); });
  CHECK(s.find("sleeper")->awaits.empty());
}

TEST_CASE("snapshots taken while an actor awaits and resumes replies show consistent awaits",
          "[runtime][snapshot]") {
  // The snapshot reads each await under the record's lock while the actor begins, resumes and
  // ends awaits on its worker: under ThreadSanitizer (.ci/run) this catches an await field
  // written without that lock.
  auto n = start_node(2);
  auto ponger = troupe::spawn(n, {.name = "ponger"}, [](troupe::context&) -> troupe::behavior {
    return {[](int x) { return x; }};
  });
  outcome<int> done;
  troupe::spawn(n, {.name = "asker"},
                [ponger, p = done.promise](troupe::context& self) -> troupe::task<> {
                  int replies = 0;
                  for (int i = 0; i < 10000; ++i)
                    if (auto r = co_await troupe::request<int>(self, ponger, 10s, i); r && *r == i)
                      ++replies;
                  p->set_value(replies);
                });
  auto deadline = std::chrono::steady_clock::now() + 60s;
  int snapshots = 0;
  int inconsistent = 0;
  while (done.future.wait_for(0s) != std::future_status::ready) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    auto s = n.snapshot();
    ++snapshots;
    if (auto* a = s.find("asker"))
      for (auto& w : a->awaits)
        if (w.what != troupe::await_info::kind::reply || w.peer != ponger.id())
          ++inconsistent;
  }
  CHECK(done.get("the asker's 10000 requests") == 10000);
  CHECK(snapshots > 0);
  CHECK(inconsistent == 0);
}
