// A node that leaves something running when `main`'s body returns, for the shutdown tests:
//   --straggler none            two suspended troupe actors (asked to end, they do)
//   --straggler caf-actor       a CAF actor that ignores exit messages, registered by name
//   --straggler detached-actor  the same on its own thread (CAF joins it)
//   --straggler kernel          a kernel whose two chunks never return, on both workers
//   --straggler spawn-on-exit   a troupe actor whose exit handler spawns a waiting child
// Prints "ready" when the straggler is in place and "shutdown returned" after the node ended.
#include <atomic>
#include <iostream>

#include <caf/all.hpp>

#include <troupe/troupe.hpp>

namespace {

using namespace std::chrono_literals;

// Never set: the kernel's chunks block on it until the process ends. (A spin on it could be
// folded away: clang sees that nothing stores to it.)
std::atomic<bool> never{false};
std::atomic<int> chunks_started{0};

// A class, not a function: CAF 0.17 starts a function actor spawned without arguments by
// dereferencing a null std::shared_ptr<std::tuple<>> (UBSan reports it in init_fun_factory).
class stubborn : public caf::event_based_actor {
public:
  explicit stubborn(caf::actor_config& cfg)
    : caf::event_based_actor(cfg) {
    set_exit_handler([](caf::exit_msg&) {});
  }

  caf::behavior make_behavior() override {
    return {[](int) {}};
  }
};

troupe::task<> waiter(troupe::context& self) {
  co_await troupe::receive<int>(self);
}

// Its timer keeps it alive (an actor that only waits for messages and that nobody holds is
// collected).
troupe::task<> sleeper(troupe::context& self) {
  co_await troupe::sleep(self, 1h);
}

troupe::task<> spinner(troupe::context& self) {
  auto spin = [](std::size_t) {
    chunks_started.fetch_add(1);
    chunks_started.notify_all();
    never.wait(false);
  };
  co_await troupe::parallel_for(self, 0, 2, spin, {.name = "spin", .chunks = 2});
}

troupe::behavior spawns_on_exit(troupe::context& self) {
  self.set_exit_handler([&self](caf::exit_msg& msg) {
    troupe::spawn(self, {.name = "late-child"}, sleeper);
    self.quit(msg.reason);
  });
  return {[](int) {}};
}

int place(troupe::node& n, const std::string& straggler) {
  auto& sys = n.system();
  if (straggler == "none") {
    troupe::spawn(n, {.name = "waiter"}, waiter);
    troupe::spawn(
        n, [](troupe::context& self) -> troupe::task<> { co_await troupe::sleep(self, 1h); });
  } else if (straggler == "caf-actor") {
    sys.registry().put(caf::atom("stubborn"),
                       caf::actor_cast<caf::strong_actor_ptr>(sys.spawn<stubborn>()));
  } else if (straggler == "detached-actor") {
    sys.registry().put(caf::atom("stubborn"), caf::actor_cast<caf::strong_actor_ptr>(
                                                  sys.spawn<stubborn, caf::detached>()));
  } else if (straggler == "kernel") {
    troupe::spawn(n, {.name = "spinner"}, spinner);
    for (int seen = chunks_started.load(); seen < 2; seen = chunks_started.load())
      chunks_started.wait(seen);
  } else if (straggler == "spawn-on-exit") {
    troupe::spawn(n, {.name = "parent"}, spawns_on_exit);
  } else {
    std::cerr << "shutdown_main: unknown --straggler '" << straggler << "'\n";
    return 2;
  }
  std::cout << "ready" << std::endl;
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  troupe::node_config cfg{"shutdown_main", "Leaves a straggler running at the node's end."};
  std::string straggler = "none";
  cfg.option(straggler, "straggler", "none, caf-actor, detached-actor, kernel, spawn-on-exit");
  auto code = troupe::run(cfg, argc, argv, [&](troupe::node& n) { return place(n, straggler); });
  std::cout << "shutdown returned" << std::endl;
  return code;
}
