#include "fixture.hpp"

using namespace troupe::test;
using go_atom = caf::atom_constant<caf::atom("go")>;

namespace {

troupe::behavior doubler(troupe::context&) {
  return {[](int x) { return 2 * x; }};
}

// Takes requests and never answers them.
troupe::behavior black_hole(troupe::context& self) {
  return {[&self](int) -> caf::result<int> { return self.make_response_promise<int>(); }};
}

} // namespace

TEST_CASE("request yields the reply of the asked actor", "[runtime][request]") {
  auto n = start_node(2);
  auto d = troupe::spawn(n, doubler);
  outcome<int> got;
  troupe::spawn(n, [p = got.promise, d](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<int>(self, d, 5s, 21);
    p->set_value(r ? *r : -1);
  });
  CHECK(got.get("the reply") == 42);
}

TEST_CASE("request times out with errc::timeout instead of hanging", "[runtime][request]") {
  auto n = start_node(2);
  auto hole = troupe::spawn(n, black_hole);
  outcome<troupe::error> got;
  troupe::spawn(n, [p = got.promise, hole](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<int>(self, hole, 50ms, 1);
    p->set_value(r ? troupe::error{} : r.error());
  });
  auto err = got.get("the timeout");
  CHECK(err == troupe::errc::timeout);
  CHECK_THAT(err.message(), Catch::Contains("timed out"));
}

TEST_CASE("request to an actor that exited yields errc::actor_exited", "[runtime][request]") {
  auto n = start_node(2);
  auto d = troupe::spawn(n, doubler);
  caf::anon_send_exit(d, caf::exit_reason::kill);
  CHECK_THAT(exit_reason_of(n.system(), d), Catch::Contains("kill"));
  outcome<troupe::error> got;
  troupe::spawn(n, [p = got.promise, d](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<int>(self, d, 5s, 1);
    p->set_value(r ? troupe::error{} : r.error());
  });
  auto err = got.get("the error");
  CHECK(err == troupe::errc::actor_exited);
}

TEST_CASE("a request still queued when its actor ends yields errc::actor_exited",
          "[runtime][request]") {
  // One worker: the asking actor sends both messages before the asked one runs, so the request
  // is still in the mailbox when `go` ends the actor and its mailbox is drained.
  auto n = start_node(1);
  auto quitter = troupe::spawn(n, [](troupe::context& self) -> troupe::behavior {
    return {[&self](go_atom) { self.quit(); }, [](int x) { return x; }};
  });
  outcome<troupe::error> got;
  troupe::spawn(n, [p = got.promise, quitter](troupe::context& self) -> troupe::task<> {
    self.send(quitter, go_atom::value);
    auto r = co_await troupe::request<int>(self, quitter, 5s, 1);
    p->set_value(r ? troupe::error{} : r.error());
  });
  auto err = got.get("the error");
  CHECK(err == troupe::errc::actor_exited);
  CHECK_THAT(err.message(), Catch::Contains("exited"));
}

TEST_CASE("request with a message the actor does not handle yields unexpected_message",
          "[runtime][request]") {
  auto n = start_node(2);
  auto d = troupe::spawn(n, doubler);
  outcome<troupe::error> got;
  troupe::spawn(n, [p = got.promise, d](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<int>(self, d, 5s, std::string{"not an int"});
    p->set_value(r ? troupe::error{} : r.error());
  });
  auto err = got.get("the error");
  CHECK(err == troupe::errc::unexpected_message);
}

TEST_CASE("request awaiting another reply type yields wrong_reply_type", "[runtime][request]") {
  auto n = start_node(2);
  auto d = troupe::spawn(n, doubler);
  outcome<troupe::error> got;
  troupe::spawn(n, [p = got.promise, d](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<std::string>(self, d, 5s, 3);
    p->set_value(r ? troupe::error{} : r.error());
  });
  CHECK(got.get("the error") == troupe::errc::wrong_reply_type);
}

TEST_CASE("request awaiter named by an lvalue still yields the reply", "[runtime][request]") {
  // g++ 12 copies an awaiter named by an lvalue (`co_await *p`); troupe's awaiters keep their
  // state in the actor, so the copy sees the reply too.
  auto n = start_node(2);
  auto d = troupe::spawn(n, doubler);
  outcome<int> got;
  troupe::spawn(n, [p = got.promise, d](troupe::context& self) -> troupe::task<> {
    auto awaiter = troupe::request<int>(self, d, 5s, 4);
    auto* ptr = &awaiter;
    auto r1 = co_await *ptr;
    auto sleeper = troupe::sleep(self, 1ms);
    co_await sleeper;
    auto rx = troupe::receive<int>(self, 1ms);
    auto r2 = co_await rx;
    p->set_value((r1 ? *r1 : -1) + (r2 ? 1000 : 0) + (r2.error() == troupe::errc::timeout ? 1 : 0));
  });
  CHECK(got.get("the reply") == 9);
}

TEST_CASE("coroutine request handler replies when done while other handlers serve",
          "[runtime][request][behavior]") {
  auto n = start_node(2);
  // The gate answers the server only when the test says go.
  auto gate = troupe::spawn(n, [](troupe::context& self) -> troupe::task<> {
    co_await troupe::receive<int>(self);
    auto server = caf::actor_cast<caf::actor>(self.last_sender());
    co_await troupe::receive<go_atom>(self);
    self.send(server, go_atom::value, 100);
  });
  auto server = troupe::spawn(n, [gate](troupe::context& self) -> troupe::behavior {
    return {
        [&self, gate](std::string) -> troupe::task<int> {
          self.send(gate, 1);
          auto v = co_await troupe::receive<go_atom, int>(self, 10s);
          co_return v ? std::get<1>(*v) + 1 : -1;
        },
        [](int x) { return x * 10; },
    };
  });
  caf::scoped_actor client{n.system()};
  client->send(server, std::string{"slow"});
  int fast = 0;
  // While the coroutine handler is suspended, the plain handler answers.
  client->request(server, std::chrono::seconds(10), 4)
      .receive([&](int v) { fast = v; }, [&](caf::error& e) { FAIL(n.system().render(e)); });
  CHECK(fast == 40);
  client->send(gate, go_atom::value);
  int slow = 0;
  client->receive([&](int v) { slow = v; }, caf::after(std::chrono::seconds(10)) >> [] {});
  CHECK(slow == 101);
}
