#include <iostream>
#include <troupe/troupe.hpp>
#include <vector>
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  troupe::node_config cfg{"quickstart", "a coroutine actor asks, waits, and computes on all cores"};
  int n = 500'000;
  cfg.option(n, "n", "ask the doubler for twice n cells");
  return troupe::run(cfg, argc, argv, [&](troupe::node& node) {
    auto doubler = troupe::spawn(
        node, [](troupe::context&) -> troupe::behavior { return {[](int x) { return 2 * x; }}; });
    auto job = troupe::launch(node, [=](troupe::context& self) -> troupe::task<double> {
      auto cells = co_await troupe::request<int>(self, doubler, 1s, n); // result<int>
      std::vector<double> v(cells.value()); // throws if the request failed or n < 0
      co_await troupe::parallel_for(self, 0, v.size(), [&](std::size_t i) { v[i] = 0.5 * i; });
      co_return v.empty() ? 0.0 : v.back(); // the worker was free meanwhile
    });
    double last = job.get().value(); // waits for the co_return; throws what ended the actor
    std::cout << "last cell: " << last << '\n';
    return 0;
  });
}
