#include "fixture.hpp"

#include <caf/io/middleman.hpp>

using namespace troupe::test;

namespace {

troupe::behavior adder(troupe::context&, int offset) {
  return {[offset](int x) { return x + offset; }};
}

// Asks `who` from inside an actor (a reply read on the test thread would cross CAF's queues,
// which ThreadSanitizer cannot see).
int ask(troupe::node& n, const caf::actor& who, int x) {
  auto job = troupe::launch(n, [who, x](troupe::context& self) -> troupe::task<int> {
    co_return (co_await troupe::request<int>(self, who, 20s, x)).value();
  });
  auto reply = job.get(20s);
  return reply ? *reply : -1;
}

} // namespace

TEST_CASE("node runs a coroutine actor that awaits a reply", "[runtime][node]") {
  auto n = start_node(2);
  auto doubler = troupe::spawn(
      n, [](troupe::context&) -> troupe::behavior { return {[](int x) { return 2 * x; }}; });
  outcome<int> got;
  troupe::spawn(n, [p = got.promise, doubler](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<int>(self, doubler, 5s, 21);
    p->set_value(r ? *r : -1);
  });
  CHECK(got.get("the reply") == 42);
}

TEST_CASE("node starts one worker per --threads and one per core by default", "[runtime][node]") {
  CHECK(start_node(3).threads() == 3);
  troupe::node_config cfg;
  auto n = troupe::node::start(std::move(cfg));
  REQUIRE(n);
  CHECK(n->threads() == std::max(1u, std::thread::hardware_concurrency()));
}

TEST_CASE("node shuts down with suspended coroutines and a published actor", "[runtime][node]") {
  // The destructor runs on another thread so that a hang fails the test instead of the run.
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  std::thread t{[done] {
    {
      troupe::node_config cfg{"shutdown-test"};
      cfg.listen = troupe::endpoint{"127.0.0.1", 0};
      auto n = troupe::node::start(std::move(cfg));
      REQUIRE(n);
      auto waiter = troupe::spawn(
          *n, [](troupe::context& self) -> troupe::task<> { co_await troupe::receive<int>(self); });
      troupe::spawn(
          *n, [](troupe::context& self) -> troupe::task<> { co_await troupe::sleep(self, 10h); });
      troupe::spawn(*n, [waiter](troupe::context& self) -> troupe::task<> {
        (void)co_await troupe::request<int>(self, waiter, troupe::infinite, 1);
      });
      auto port = n->system().middleman().publish(waiter, 0, "127.0.0.1");
      REQUIRE(port);
    }
    done->set_value();
  }};
  auto status = finished.wait_for(30s);
  if (status != std::future_status::ready) {
    t.detach();
    FAIL("node destructor did not return within 30 s");
  }
  t.join();
}

TEST_CASE("node owns its configuration, so the caller's config may end before the node",
          "[runtime][node]") {
  std::optional<troupe::node> n;
  {
    troupe::node_config cfg{"owned"};
    std::vector<const char*> argv{"owned", "--threads", "2", "--introspection", "false"};
    REQUIRE(cfg.parse_args(static_cast<int>(argv.size()), argv.data()));
    auto started = troupe::node::start(std::move(cfg));
    REQUIRE(started);
    n.emplace(std::move(*started));
  }
  CHECK(n->config().program == "owned");
  CHECK(n->threads() == 2);
  // Actors read the configuration through their actor system: it must still be there.
  auto doubler = troupe::spawn(
      *n, [](troupe::context&) -> troupe::behavior { return {[](int x) { return 2 * x; }}; });
  outcome<bool> introspected;
  troupe::spawn(*n, [p = introspected.promise](troupe::context& self) -> troupe::task<> {
    p->set_value(self.record().introspect);
    co_return;
  });
  CHECK_FALSE(introspected.get("the actor's introspection switch"));
  int reply = ask(*n, doubler, 21);
  CHECK(reply == 42);
}

TEST_CASE("node spawns a registered actor type by name, and says what is missing",
          "[runtime][node]") {
  auto n = start_node(2);
  n.add_actor_type("adder", troupe::make_factory<int>(adder, "adder"));
  auto a = n.spawn_named("adder", caf::make_message(100));
  REQUIRE(a);
  CHECK(ask(n, *a, 1) == 101);
  auto unknown = n.spawn_named("nope", caf::make_message());
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error() == troupe::errc::no_such_actor_type);
  CHECK_THAT(unknown.error().message(), Catch::Contains("add_actor_type(\"nope\""));
  auto wrong = n.spawn_named("adder", caf::make_message(std::string{"x"}));
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error() == troupe::errc::no_such_actor_type);
  CHECK_THAT(wrong.error().message(), Catch::Contains("does not take these arguments"));
}

TEST_CASE("node::spawn_remote and the awaited spawn_remote spawn on a joined node and fail alike",
          "[runtime][node]") {
  troupe::node_config server_cfg{"server"};
  server_cfg.threads = 1;
  server_cfg.listen = troupe::endpoint{"127.0.0.1", 0};
  server_cfg.add_actor_type("adder", troupe::make_factory<int>(adder, "adder"));
  auto server = troupe::node::start(std::move(server_cfg));
  REQUIRE(server);
  troupe::node_config client_cfg{"client"};
  client_cfg.threads = 1;
  client_cfg.join = server->listening();
  auto client = troupe::node::start(std::move(client_cfg));
  REQUIRE(client);
  auto peer = *client->joined();

  auto a = client->spawn_remote(peer, "adder", caf::make_message(10), 20s);
  REQUIRE(a);
  CHECK(ask(*client, *a, 1) == 11);

  auto blocking = client->spawn_remote(peer, "nope", caf::make_message(), 20s);
  REQUIRE_FALSE(blocking);
  outcome<troupe::result<caf::actor>> awaited;
  troupe::spawn(*client, [p = awaited.promise, peer](troupe::context& self) -> troupe::task<> {
    p->set_value(co_await troupe::spawn_remote(self, peer, "nope", 20s));
  });
  auto other = awaited.get("the awaited spawn_remote");
  REQUIRE_FALSE(other);
  CHECK(blocking.error() == troupe::errc::no_such_actor_type);
  CHECK(other.error() == troupe::errc::no_such_actor_type);
  CHECK(blocking.error().message() == other.error().message());
  CHECK_THAT(blocking.error().message(), Catch::StartsWith("spawn_remote of 'nope': the node "
                                                           "server has no actor type 'nope'"));
}
