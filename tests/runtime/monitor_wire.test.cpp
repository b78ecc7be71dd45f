// Messages and bytes between nodes in /metrics: two nodes joined over TCP on 127.0.0.1, one
// sending the other N strings of a known size; each side's counters for the other grow by at
// least N messages and N times the size in bytes.
#include <sstream>

#include "fixture.hpp"
#include "monitor_fixture.hpp"

using namespace troupe::test;

namespace {

troupe::behavior sink(troupe::context&) {
  auto count = std::make_shared<int>(0);
  return {[count](const std::string&) { ++*count; }, [count](int) { return *count; }};
}

// Sends `who` `count` strings of `size` bytes from inside an actor, then asks it how many it
// got (answered after them all).
int send_then_ask(troupe::node& n, const caf::actor& who, int count, std::size_t size) {
  auto job = troupe::launch(n, [who, count, size](troupe::context& self) -> troupe::task<int> {
    for (int i = 0; i < count; ++i)
      self.send(who, std::string(size, 'x'));
    co_return (co_await troupe::request<int>(self, who, 20s, 0)).value();
  });
  auto reply = job.get(20s);
  return reply ? *reply : -1;
}

std::string metrics(const troupe::node& n) {
  auto r = monitor_get(n, "/metrics");
  REQUIRE(r.status == 200);
  return r.body;
}

// The sum of the samples of `family` over its peers, and the peers' labels.
double total(const std::string& text, const std::string& family, std::string* peers = nullptr) {
  std::istringstream in{text};
  double sum = 0;
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(family + "{peer=\"")) {
      auto close = line.find("} ");
      REQUIRE(close != std::string::npos);
      if (peers != nullptr)
        *peers += line.substr(family.size(), close + 1 - family.size());
      sum += std::stod(line.substr(close + 2));
    }
  return sum;
}

} // namespace

TEST_CASE("the counters of messages and bytes between two nodes grow by at least what one sent "
          "the other",
          "[runtime][monitor]") {
  auto [server, client] = start_joined_nodes(
      [](troupe::node_config& cfg) { cfg.add_actor_type("sink", troupe::make_factory<>(sink)); });
  auto remote = client.spawn_remote(*client.joined(), "sink", caf::make_message(), 20s);
  REQUIRE(remote);
  REQUIRE(send_then_ask(client, *remote, 0, 0) == 0);

  auto sent_before = metrics(client);
  auto received_before = metrics(server);
  constexpr int n = 200;
  constexpr std::size_t size = 1000;
  REQUIRE(send_then_ask(client, *remote, n, size) == n); // all of them arrived
  auto sent = metrics(client);
  auto received = metrics(server);

  std::string peer;
  auto grew = [](const std::string& before, const std::string& after, const std::string& family,
                 std::string* peers = nullptr) {
    return total(after, family, peers) - total(before, family);
  };
  CHECK(grew(sent_before, sent, "troupe_remote_messages_sent_total", &peer) >= n);
  CHECK(peer == "{peer=\"" + server.listening()->to_string() + "\"}");
  CHECK(grew(sent_before, sent, "troupe_network_sent_bytes_total") >= n * size);
  CHECK(grew(received_before, received, "troupe_remote_messages_received_total") >= n);
  CHECK(grew(received_before, received, "troupe_network_received_bytes_total") >= n * size);
  // The other way: the answers to the two asks.
  CHECK(total(received, "troupe_remote_messages_sent_total") >= 2);
  CHECK(total(sent, "troupe_remote_messages_received_total") >= 2);
}
