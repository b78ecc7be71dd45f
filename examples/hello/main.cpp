// hello: one coroutine actor that greets, sleeps without blocking its worker, and ends; main
// waits for it to end.
#include <iostream>

#include <troupe/troupe.hpp>

using namespace std::chrono_literals;

int main(int argc, char** argv) {
  troupe::node_config cfg{"hello", "One coroutine actor: greets, naps 10 ms, greets again."};
  std::string who = "world";
  cfg.option(who, "who", "whom to greet");
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    auto greeter =
        troupe::spawn(n, {.name = "greeter"}, [who](troupe::context& self) -> troupe::task<> {
          std::cout << "hello, " << who << " (from actor " << self.id() << ")\n";
          co_await troupe::sleep(self, 10ms);
          std::cout << "goodbye, " << who << "\n";
        });
    n.wait(greeter).value(); // returns when the greeter ends; throws if something ended it
    return 0;
  });
}
