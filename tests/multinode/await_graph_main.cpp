// A cluster member for tests/multinode/await_graph.test.cpp: sets up one half of a deliberate
// cross-node deadlock, prints one line per step, then serves until it is signalled or killed:
//   --answerer NAME   registers an actor "answerer" as NAME whose handler, given an actor,
//                     requests a reply from it: "registered NAME"
//   --ask NAME        waits for NAME and spawns an actor "asker" that requests NAME's reply,
//                     giving its own handle (the answerer's request back to it stays unanswered
//                     in its mailbox: a deadlock across the two nodes): "asked NAME"
//   --expect N        first waits until N members are up: "members N"
#include <iostream>
#include <string>

#include <unistd.h>

#include <troupe/cluster.hpp>
#include <troupe/troupe.hpp>

using namespace std::chrono_literals;

namespace {

troupe::behavior answerer(troupe::context& self) {
  return {[&self](caf::actor back) -> troupe::task<int> {
    auto r = co_await troupe::request<int>(self, back, 1h, 1);
    co_return r ? *r : 0;
  }};
}

troupe::task<> asker(troupe::context& self, caf::actor answerer) {
  (void)co_await troupe::request<int>(self, answerer, 1h, caf::actor_cast<caf::actor>(&self));
}

} // namespace

int main(int argc, char** argv) {
  troupe::node_config cfg{"await_graph_node", "one half of a cross-node deadlock"};
  int expect = 0;
  std::string answer_as;
  std::string ask;
  cfg.option(expect, "expect", "members to wait for");
  cfg.option(answer_as, "answerer", "the name to register the answering actor under");
  cfg.option(ask, "ask", "the name of the actor to ask");
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    if (expect > 0) {
      if (auto ok = n.await_members(static_cast<std::size_t>(expect), 60s); !ok) {
        std::cout << "expect failed: " << ok.error().message() << std::endl;
        return 1;
      }
      std::cout << "members " << expect << std::endl;
    }
    if (!answer_as.empty()) {
      auto a = troupe::spawn(n, {.name = "answerer"}, answerer);
      auto ok = n.register_name(answer_as, a, 20s);
      std::cout << (ok ? "registered " + answer_as : "register failed: " + ok.error().message())
                << std::endl;
    }
    if (!ask.empty()) {
      auto found = n.lookup(ask, 30s, true);
      if (!found) {
        std::cout << "lookup failed: " << found.error().message() << std::endl;
        return 1;
      }
      troupe::spawn(n, {.name = "asker"}, asker, *found);
      std::cout << "asked " << ask << std::endl;
    }
    for (;;)
      ::pause();
  });
}
