// An actor's await chain across two nodes joined over TCP on 127.0.0.1 (both in this process):
// the chain follows a reply awaited from an actor of the other node through that node's awaits,
// as the cluster's await graph gathers them.
#include "fixture.hpp"
#include "monitor_fixture.hpp"

using namespace troupe::test;
namespace json = boost::json;

namespace {

// Answers nothing: its handler keeps the request's promise until the node ends.
troupe::behavior holder(troupe::context& self) {
  return {[&self](int) -> caf::result<int> { return self.make_response_promise<int>(); }};
}

// Asks `next` and answers with its answer.
troupe::behavior relay(troupe::context& self) {
  return {[&self](caf::actor next) -> troupe::task<int> {
    auto r = co_await troupe::request<int>(self, next, 1h, 1);
    co_return r ? *r : 0;
  }};
}

} // namespace

TEST_CASE("an actor's await chain follows a reply awaited on another node through that node's "
          "awaits",
          "[runtime][monitor]") {
  auto [server, client] = start_joined_nodes([](troupe::node_config& cfg) {
    cfg.add_actor_type("holder", troupe::make_factory<>(holder));
    cfg.add_actor_type("relay", troupe::make_factory<>(relay));
  });
  auto far_holder = client.spawn_remote(*client.joined(), "holder", caf::make_message(), 20s);
  auto far_relay = client.spawn_remote(*client.joined(), "relay", caf::make_message(), 20s);
  REQUIRE(far_holder);
  REQUIRE(far_relay);
  auto head =
      troupe::spawn(client, {.name = "head"},
                    [r = *far_relay, h = *far_holder](troupe::context& self) -> troupe::task<> {
                      (void)co_await troupe::request<int>(self, r, 1h, h);
                    });
  auto server_address = server.listening()->to_string();
  auto detail = actor_detail(client, head.id(), "head -> relay -> holder, across nodes",
                             [](auto& d) { return d.at("await_chain").as_array().size() == 2; });
  auto& links = detail.at("await_chain").as_array();
  CHECK(links[0].at("from").as_int64() == static_cast<std::int64_t>(head.id()));
  CHECK(links[0].at("awaits_reply_from").as_int64() == static_cast<std::int64_t>(far_relay->id()));
  CHECK_FALSE(links[0].at("peer_here").as_bool());
  CHECK(links[0].at("peer_node").as_string() == server_address);
  CHECK(links[1].at("from").as_int64() == static_cast<std::int64_t>(far_relay->id()));
  CHECK(links[1].at("from_node").as_string() == server_address);
  CHECK(links[1].at("kind").as_string() == "reply");
  CHECK(links[1].at("to").as_int64() == static_cast<std::int64_t>(far_holder->id()));
  CHECK(links[1].at("depth").as_int64() == 2);
  CHECK(links[1].at("peer_node").as_string() == server_address);
  CHECK_FALSE(detail.at("cycle").as_bool());
}
