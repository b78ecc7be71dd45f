// A test node for tests/multinode/collectives.test.cpp: a group of 5 members on two processes,
// ranks 1 and 3 on the listener. With --listen it serves the actor types "member" and "echo";
// with --join it spawns two members there and three here, announces the group, and prints what
// its members saw, one "key: value" line each. --scenario: allreduce (results and their bits),
// kill-member (after one allreduce, rank 1 waits and rank 0 kills it; the others' second
// allreduce fails), kill-process (after one allreduce the members on the listener wait, the
// test kills that process, and the members here report their second allreduce),
// kill-process-halo (the same, but the members here are in a halo exchange with their
// neighbours on the listener, tiles in a row by rank).
#include <atomic>
#include <bit>
#include <cstring>
#include <future>
#include <iostream>
#include <limits>
#include <mutex>
#include <string>

#include <troupe/actors/collectives.hpp>
#include <troupe/actors/halo.hpp>
#include <troupe/remote.hpp>
#include <troupe/troupe.hpp>

#include "describe_error.hpp"

using namespace std::chrono_literals;
namespace ta = troupe::actors;
using ta::block;
using ta::group;

namespace {

constexpr std::size_t members = 5;

void say(const std::string& key, const std::string& value) {
  static std::mutex mtx;
  std::lock_guard<std::mutex> guard{mtx};
  std::cout << key << ": " << value << std::endl;
}

// Values whose sum depends on the order of additions (see tests/actors/collectives.test.cpp).
double value_of_rank(std::size_t r) {
  return r % 4 != 0 ? 1.0 : (r % 8 == 0 ? 1e16 : -1e16);
}

// Doubles whose bits a conversion could change: signed zero, a NaN with a payload, a subnormal.
block awkward() {
  double nan_payload = 0;
  std::uint64_t bits = 0x7ff8'0000'dead'beefULL;
  std::memcpy(&nan_payload, &bits, sizeof bits);
  return block{{1.5, -0.0, nan_payload, std::numeric_limits<double>::denorm_min(), -3.25}};
}

using troupe::test::describe;

bool same_bits(const block& a, const block& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::string hex(double x) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(x)));
  return buf;
}

// Every member, on either node: gets its group first, then runs the scenario.
troupe::task<> member(troupe::context& self, std::string scenario) {
  auto g = co_await troupe::receive<group>(self);
  auto r = *g.rank_of(self.address());
  auto first = co_await ta::allreduce(self, g, value_of_rank(r), ta::sum{});
  if (scenario == "allreduce") {
    block mine{std::vector<double>{1.0 * r, 0.5}};
    auto sums = co_await ta::allreduce(self, g, mine, ta::sum{});
    auto root_block = r == 1 ? awkward() : block{};
    auto cast = co_await ta::broadcast(self, g, root_block, 1);
    // Rank 0 (on the joiner) collects what everyone got, as one block each.
    block report{std::vector<double>{first.value(), sums.value()[0], sums.value()[1]}};
    report.values.insert(report.values.end(), cast.value().values.begin(),
                         cast.value().values.end());
    auto all = co_await ta::gather(self, g, report, 0);
    if (r != 0)
      co_return;
    std::vector<double> values;
    for (std::size_t i = 0; i < members; ++i)
      values.push_back(value_of_rank(i));
    block expected{std::vector<double>{ta::tree_order_reduce(values, ta::sum{}), 10.0, 2.5}};
    auto a = awkward();
    expected.values.insert(expected.values.end(), a.values.begin(), a.values.end());
    std::string verdict = "same bits on all 5 members";
    for (std::size_t i = 0; i < all.value().size(); ++i)
      if (!same_bits(all.value()[i], expected))
        verdict = "rank " + std::to_string(i) + " differs";
    say("allreduce", hex(first.value()) + " expected " + hex(expected[0]));
    say("collectives", verdict);
    co_return;
  }
  say("rank " + std::to_string(r) + " first", first ? "ok" : describe(first.error()));
  auto process_killed = scenario == "kill-process" || scenario == "kill-process-halo";
  if (r == 1 || (r == 3 && process_killed)) {
    co_await troupe::receive<int>(self); // never comes: killed here, or its process is
    co_return;
  }
  if (scenario == "kill-process-halo") {
    // Tiles in one row, so that each member here has a neighbour (or two) on the listener.
    auto layout = ta::tile_layout::make(5 * 4, 4, members, 1).value();
    ta::halo_links links{g, layout, static_cast<std::int64_t>(r)};
    ta::tile t{layout.extent(static_cast<std::int64_t>(r))};
    auto exchanged = co_await ta::exchange_halos(self, links, t, 0);
    say("rank " + std::to_string(r) + " halo", exchanged ? "ok" : describe(exchanged.error()));
    co_return;
  }
  if (r == 0 && scenario == "kill-member")
    self.send_exit(g[1], caf::exit_reason::kill);
  auto second = co_await ta::allreduce(self, g, 2.0, ta::sum{});
  say("rank " + std::to_string(r) + " second", second ? "ok" : describe(second.error()));
}

troupe::behavior echo(troupe::context&) {
  return {[](block b) { return b; }};
}

// The joiner's side: spawns the group across both nodes and waits for its own members.
troupe::task<int> client(troupe::context& self, troupe::peer server, std::string scenario) {
  auto echoer = co_await troupe::spawn_remote(self, server, "echo", 10s);
  auto sent = awkward();
  auto back = co_await troupe::request<block>(self, echoer.value(), 10s, sent);
  say("echo", same_bits(back.value(), sent) ? "same bits" : "different bits");
  std::vector<caf::actor> all;
  std::vector<caf::actor> here;
  for (std::size_t r = 0; r < members; ++r) {
    if (r == 1 || r == 3) {
      auto m = co_await troupe::spawn_remote(self, server, "member", 10s, scenario);
      all.push_back(m.value());
    } else {
      all.push_back(troupe::spawn(self, {.name = "member-" + std::to_string(r)}, member, scenario));
      here.push_back(all.back());
    }
  }
  group g{all};
  ta::announce(g);
  for (auto& m : here)
    self.watch(m, [&self](const troupe::result<void>&) { self.send(self.handle(), 1); });
  for (std::size_t i = 0; i < here.size(); ++i)
    co_await troupe::receive<int>(self);
  co_return 0;
}

} // namespace

int main(int argc, char** argv) {
  troupe::node_config cfg{"collectives_main", "A group of 5 members on two processes."};
  std::string scenario = "allreduce";
  cfg.option(scenario, "scenario",
             "with --join: allreduce, kill-member, kill-process, kill-process-halo");
  cfg.set("middleman.heartbeat-interval", caf::timespan{500ms});
  cfg.set("middleman.connection-timeout", caf::timespan{2s});
  ta::add_collective_types(cfg);
  ta::add_halo_types(cfg);
  // The listener ends once the members it hosts ended (two per run).
  auto served = std::make_shared<std::promise<void>>();
  auto ended = std::make_shared<std::atomic<int>>(0);
  cfg.add_actor_type("member", troupe::make_factory<std::string>(
                                   [served, ended](troupe::context& self, std::string s) {
                                     self.attach_functor([served, ended] {
                                       if (ended->fetch_add(1) + 1 == 2)
                                         served->set_value();
                                     });
                                     return member(self, std::move(s));
                                   }));
  cfg.add_actor_type("echo", troupe::make_factory<>(echo));
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    if (n.joined()) {
      auto job = troupe::launch(n, client, *n.joined(), scenario);
      auto code = job.get(60s);
      if (!code)
        std::cerr << "collectives_main: " << code.error().message() << "\n";
      return code ? *code : 1;
    }
    served->get_future().wait();
    std::cout << "peer done" << std::endl;
    return 0;
  });
}
