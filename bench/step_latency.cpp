// step_latency: the cost of one empty simulation step, as heat2d's tiles will take it: 4 tiles
// (2 x 2) each send their edges to their 2 neighbours, `co_await` the neighbours' edges for
// this step (receive by tag, all at once with when_all), then meet at a barrier (a coordinator
// that answers when all 4 arrived). No stencil: what is measured is troupe's part of a step.
// Metric: microseconds per step (reported, no peer yet: the tile layer brings one).
#include <array>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include <troupe/troupe.hpp>

#include "common/bench.hpp"
#include "common/systems.hpp"

namespace {

using edge_atom = caf::atom_constant<caf::atom("edge")>;
using arrive_atom = caf::atom_constant<caf::atom("arrive")>;

constexpr int tiles = 4;

// The barrier: answers every tile's arrival for step k once all tiles arrived.
troupe::task<> coordinator(troupe::context& self, std::int64_t steps,
                           std::shared_ptr<std::promise<double>> seconds, std::int64_t warmup) {
  bench::clock::time_point start;
  for (std::int64_t k = 0; k < steps; ++k) {
    if (k == warmup)
      start = bench::clock::now();
    std::vector<caf::actor> arrived;
    for (int i = 0; i < tiles; ++i) {
      auto at_k = [k](arrive_atom, std::int64_t step) { return step == k; };
      co_await troupe::receive<arrive_atom, std::int64_t>(self, troupe::where(at_k));
      arrived.push_back(caf::actor_cast<caf::actor>(self.last_sender()));
    }
    for (auto& t : arrived)
      self.send(t, arrive_atom::value, k);
  }
  seconds->set_value(bench::seconds_since(start));
}

using edge_receive = decltype(troupe::receive<edge_atom, std::int64_t, int>(
    std::declval<troupe::context&>(),
    troupe::where(std::function<bool(edge_atom, std::int64_t, int)>{})));

troupe::task<> tile(troupe::context& self, int id, caf::actor barrier, std::int64_t steps) {
  // 2 x 2 grid: neighbours differ in one coordinate.
  std::array<int, 2> neighbours{id ^ 1, id ^ 2};
  std::array<caf::actor, 2> peers;
  for (int i = 0; i < 2; ++i) {
    peers[i] = co_await troupe::receive<caf::actor>(self); // wiring: neighbour handles
  }
  std::vector<double> edge(64, 1.0);
  for (std::int64_t k = 0; k < steps; ++k) {
    for (auto& p : peers)
      self.send(p, edge_atom::value, k, id);
    std::vector<edge_receive> halos;
    for (int from : neighbours) {
      std::function<bool(edge_atom, std::int64_t, int)> want =
          [k, from](edge_atom, std::int64_t step, int who) { return step == k && who == from; };
      halos.push_back(troupe::receive<edge_atom, std::int64_t, int>(self, troupe::where(want)));
    }
    (void)co_await troupe::when_all(std::move(halos));
    self.send(barrier, arrive_atom::value, k);
    auto at_k = [k](arrive_atom, std::int64_t step) { return step == k; };
    co_await troupe::receive<arrive_atom, std::int64_t>(self, troupe::where(at_k));
  }
}

double play(unsigned threads, std::int64_t warmup, std::int64_t steps) {
  bench::troupe_system s{bench::troupe_args(threads)};
  auto seconds = std::make_shared<std::promise<double>>();
  auto result = seconds->get_future();
  auto barrier = troupe::spawn(*s.node, coordinator, warmup + steps, seconds, warmup);
  std::vector<caf::actor> ts;
  for (int i = 0; i < tiles; ++i)
    ts.push_back(troupe::spawn(*s.node, tile, i, barrier, warmup + steps));
  for (int i = 0; i < tiles; ++i) {
    caf::anon_send(ts[i], ts[i ^ 1]);
    caf::anon_send(ts[i], ts[i ^ 2]);
  }
  return result.get();
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, {"reps", "steps", "warmup", "threads"}};
  auto reps = opt.get("reps", 7LL);
  auto steps = opt.get("steps", 20000LL);
  auto warmup = opt.get("warmup", 2000LL);
  auto threads = static_cast<unsigned>(opt.get("threads", 2LL));
  play(threads, warmup, steps);
  std::vector<double> us;
  for (long long r = 0; r < reps; ++r)
    us.push_back(play(threads, warmup, steps) * 1e6 / static_cast<double>(steps));
  bench::report("step_latency", "troupe", "latency_us", us, threads,
                {{"tiles", std::to_string(tiles)}, {"steps", std::to_string(steps)}});
  return 0;
}
