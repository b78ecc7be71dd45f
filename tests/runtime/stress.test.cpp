#include "fixture.hpp"

#include <atomic>
#include <vector>

using namespace troupe::test;

// The primary proof of Decision 3: every troupe actor asserts (in every build) that only one
// thread is inside it and that coroutines resume only on the thread inside their actor. A
// thousand actors awaiting kernels, replies and timers at once give any broken hand-off many
// chances to fire that assertion, which aborts the test.
TEST_CASE("stress: 1000 actors awaiting kernels, replies and timers keep resumptions inside "
          "their actors",
          "[runtime][stress]") {
  auto threads = GENERATE(1u, 2u, 4u);
  CAPTURE(threads);
  auto n = start_node(threads);
  constexpr int actors = 1000;
  constexpr int rounds = 10;
  auto doubler = troupe::spawn(
      n, [](troupe::context&) -> troupe::behavior { return {[](int x) { return 2 * x; }}; });
  auto finished = std::make_shared<std::atomic<int>>(0);
  auto failures = std::make_shared<std::atomic<int>>(0);
  outcome<bool> all;
  for (int a = 0; a < actors; ++a)
    troupe::spawn(n, [=, p = all.promise](troupe::context& self) -> troupe::task<> {
      std::vector<int> cells(64, 0);
      int state = a; // actor state touched between awaits: would race if resumed elsewhere
      for (int r = 0; r < rounds; ++r) {
        co_await troupe::parallel_for(self, 0, cells.size(), [&](std::size_t i) { cells[i] += 1; });
        state += cells[r];
        auto twice = co_await troupe::request<int>(self, doubler, 30s, state);
        if (!twice || *twice != 2 * state)
          failures->fetch_add(1);
        co_await troupe::sleep(self, std::chrono::microseconds(100 * (a % 7)));
        state = twice ? *twice / 2 : state;
      }
      for (auto c : cells)
        if (c != rounds)
          failures->fetch_add(1);
      if (state != a + rounds * (rounds + 1) / 2) // cells[r] == r + 1 in round r
        failures->fetch_add(1);
      if (finished->fetch_add(1) + 1 == actors)
        p->set_value(true);
    });
  REQUIRE(all.get("all 1000 actors to finish", 120s));
  CHECK(failures->load() == 0);
}
