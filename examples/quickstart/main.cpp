#include <future>
#include <iostream>
#include <troupe/troupe.hpp>
#include <vector>
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  troupe::node_config cfg{"quickstart", "a coroutine actor asks, waits, and computes on all cores"};
  return troupe::run(cfg, argc, argv, [](troupe::node& node) {
    auto doubler = troupe::spawn(
        node, [](troupe::context&) -> troupe::behavior { return {[](int x) { return 2 * x; }}; });
    auto done = std::make_shared<std::promise<double>>();
    troupe::spawn(node, [=](troupe::context& self) -> troupe::task<> {
      auto n = co_await troupe::request<int>(self, doubler, 1s, 500'000); // result<int>
      std::vector<double> v(n.value());
      co_await troupe::parallel_for(self, 0, v.size(), [&](std::size_t i) { v[i] = 0.5 * i; });
      done->set_value(v.back()); // the worker was free meanwhile
    });
    std::cout << "last cell: " << done->get_future().get() << '\n';
    return 0;
  });
}
