#include "fixture.hpp"

#include <atomic>
#include <stdexcept>

using namespace troupe::test;
using go_atom = caf::atom_constant<caf::atom("go")>;

namespace {

// Counts destructions: a frame destroyed while suspended destroys its locals.
struct frame_guard {
  std::shared_ptr<std::atomic<int>> count;
  ~frame_guard() {
    count->fetch_add(1);
  }
};

} // namespace

TEST_CASE("an exception in a coroutine body becomes the exit reason its monitors see",
          "[runtime][exit]") {
  auto n = start_node(2);
  auto a = troupe::spawn(n, [](troupe::context& self) -> troupe::task<> {
    co_await troupe::receive<go_atom>(self);
    throw std::runtime_error("tile 3 diverged at step 17");
  });
  caf::scoped_actor watcher{n.system()};
  watcher->monitor(a);
  watcher->send(a, go_atom::value);
  std::string reason;
  watcher->receive([&](caf::down_msg& dm) { reason = n.system().render(dm.reason); },
                   caf::after(std::chrono::seconds(20)) >> [] {});
  CHECK_THAT(reason, Catch::Contains("tile 3 diverged at step 17"));
}

TEST_CASE("an exception in a coroutine handler ends the actor and reaches the requester",
          "[runtime][exit][behavior]") {
  auto n = start_node(2);
  auto a = troupe::spawn(n, [](troupe::context&) -> troupe::behavior {
    return {[](int) -> troupe::task<int> {
      throw std::invalid_argument("negative mass");
      co_return 0;
    }};
  });
  caf::scoped_actor client{n.system()};
  client->monitor(a);
  std::string reply_error;
  client->request(a, std::chrono::seconds(10), 1)
      .receive([](int) {}, [&](caf::error& e) { reply_error = n.system().render(e); });
  CHECK_THAT(reply_error, Catch::Contains("negative mass"));
  std::string reason;
  client->receive([&](caf::down_msg& dm) { reason = n.system().render(dm.reason); },
                  caf::after(std::chrono::seconds(20)) >> [] {});
  CHECK_THAT(reason, Catch::Contains("negative mass"));
}

TEST_CASE("an exception in a plain handler becomes the exit reason", "[runtime][exit]") {
  auto n = start_node(2);
  auto a = troupe::spawn(n, [](troupe::context&) -> troupe::behavior {
    return {[](int) -> int { throw std::runtime_error("plain handler failed"); }};
  });
  caf::scoped_actor watcher{n.system()};
  watcher->monitor(a);
  watcher->send(a, 1);
  std::string reason;
  watcher->receive([&](caf::down_msg& dm) { reason = n.system().render(dm.reason); },
                   caf::after(std::chrono::seconds(20)) >> [] {});
  CHECK_THAT(reason, Catch::Contains("plain handler failed"));
}

TEST_CASE("a killed actor destroys its suspended coroutine frames", "[runtime][exit]") {
  auto n = start_node(2);
  auto destroyed = std::make_shared<std::atomic<int>>(0);
  outcome<bool> suspended;
  auto a = troupe::spawn(
      n, [destroyed, p = suspended.promise](troupe::context& self) -> troupe::behavior {
        self.send(self.handle(), 0);
        return {
            [&self, destroyed, p](int) -> troupe::task<void> {
              frame_guard g{destroyed};
              p->set_value(true);
              co_await troupe::sleep(self, 10h);
            },
        };
      });
  REQUIRE(suspended.get("the handler to suspend"));
  CHECK(destroyed->load() == 0);
  caf::anon_send_exit(a, caf::exit_reason::kill);
  CHECK_THAT(exit_reason_of(n.system(), a), Catch::Contains("kill"));
  CHECK(destroyed->load() == 1);
}

TEST_CASE("a coroutine actor ends normally when its body returns", "[runtime][exit]") {
  auto n = start_node(2);
  auto a = troupe::spawn(
      n, [](troupe::context& self) -> troupe::task<> { co_await troupe::receive<go_atom>(self); });
  caf::scoped_actor watcher{n.system()};
  watcher->monitor(a);
  watcher->send(a, go_atom::value);
  caf::error reason = caf::make_error(caf::sec::runtime_error);
  watcher->receive([&](caf::down_msg& dm) { reason = dm.reason; },
                   caf::after(std::chrono::seconds(20)) >> [] {});
  CHECK(n.system().render(reason) == n.system().render(caf::error{}));
}

TEST_CASE("a killed actor answers the requests its suspended handlers owe with actor_exited",
          "[runtime][exit][behavior]") {
  auto n = start_node(2);
  outcome<bool> suspended;
  auto server =
      troupe::spawn(n, [p = suspended.promise](troupe::context& self) -> troupe::behavior {
        return {[&self, p](int) -> troupe::task<int> {
          p->set_value(true);
          co_await troupe::sleep(self, troupe::infinite);
          co_return 0;
        }};
      });
  outcome<troupe::error> answer;
  troupe::spawn(n, [server, p = answer.promise](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<int>(self, server, troupe::infinite, 1);
    p->set_value(r ? troupe::error{} : r.error());
  });
  REQUIRE(suspended.get("the handler to suspend"));
  caf::anon_send_exit(server, caf::exit_reason::kill);
  auto err = answer.get("the requester's answer (it waits forever if the request is lost)");
  CHECK(err == troupe::errc::actor_exited);
}

TEST_CASE("an ending coroutine actor answers the requests it kept unreceived with actor_exited",
          "[runtime][exit][receive]") {
  auto n = start_node(2);
  auto a = troupe::spawn(
      n, [](troupe::context& self) -> troupe::task<> { co_await troupe::receive<go_atom>(self); });
  outcome<troupe::error> answer;
  troupe::spawn(n, [a, p = answer.promise](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<int>(self, a, troupe::infinite, 7); // no receive takes it
    p->set_value(r ? troupe::error{} : r.error());
  });
  // The request reaches the stash before `go` is sent only if we wait for it: the snapshot shows
  // it.
  auto deadline = std::chrono::steady_clock::now() + 20s;
  for (;;) {
    auto snap = n.snapshot();
    auto* info = snap.find("actor-" + std::to_string(a.id()));
    if (info != nullptr && info->stashed == 1)
      break;
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("the request was not kept within 20 s");
    std::this_thread::yield();
  }
  caf::anon_send(a, go_atom::value);
  CHECK(answer.get("the requester's answer") == troupe::errc::actor_exited);
}
