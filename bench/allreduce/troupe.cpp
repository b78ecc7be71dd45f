// bench_allreduce_troupe: latency of troupe::actors::allreduce of one double over a group of
// --members coroutine actors on one node (one worker per core), back to back, as the mean over
// --rounds after --warmup rounds and a barrier. One JSON line (../../shared/BENCH.md); bench/
// allreduce/run alternates it with bench_allreduce_mpi (MPI_Allreduce) and takes medians.
#include <chrono>
#include <future>
#include <iostream>
#include <memory>

#include <common/bench.hpp>

#include <troupe/actors/collectives.hpp>
#include <troupe/troupe.hpp>

namespace ta = troupe::actors;

namespace {

struct timing {
  std::promise<double> seconds;
  std::promise<double> checksum;
};

troupe::task<> member(troupe::context& self, ta::group g, long long rounds, long long warmup,
                      std::shared_ptr<timing> out) {
  auto rank = *g.rank_of(self.address());
  double x = 1.0 + static_cast<double>(rank);
  double total = 0;
  for (long long k = 0; k < warmup; ++k)
    total += (co_await ta::allreduce(self, g, x, ta::sum{})).value();
  (co_await ta::barrier(self, g)).value();
  auto t0 = bench::clock::now();
  for (long long k = 0; k < rounds; ++k)
    total += (co_await ta::allreduce(self, g, x, ta::sum{})).value();
  if (rank == 0) {
    out->seconds.set_value(bench::seconds_since(t0));
    out->checksum.set_value(total);
  }
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, {"members", "rounds", "warmup", "impl", "threads"}};
  auto members = opt.get("members", 2LL);
  auto rounds = opt.get("rounds", 20000LL);
  auto warmup = opt.get("warmup", rounds / 10);
  troupe::node_config cfg{"bench_allreduce_troupe"};
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  cfg.threads = threads;
  auto n = troupe::node::start(std::move(cfg));
  if (!n) {
    std::cerr << "bench_allreduce_troupe: " << n.error().message() << "\n";
    return 1;
  }
  auto out = std::make_shared<timing>();
  auto seconds = out->seconds.get_future();
  auto checksum = out->checksum.get_future();
  auto g = ta::spawn_group(n->system(), static_cast<std::size_t>(members), {.name = "member"},
                           member, rounds, warmup, out);
  if (seconds.wait_for(std::chrono::minutes(5)) != std::future_status::ready) {
    std::cerr << "bench_allreduce_troupe: no result after 5 minutes\n";
    return 1;
  }
  auto s = seconds.get();
  bench::report("allreduce", opt.get("impl", std::string{"troupe"}), "latency_us",
                {s / static_cast<double>(rounds) * 1e6}, threads,
                {{"members", std::to_string(members)},
                 {"rounds", std::to_string(rounds)},
                 {"checksum", bench::number(checksum.get())}});
  for (auto& m : g.members())
    if (auto ended = n->wait(m, std::chrono::seconds(60)); !ended) {
      std::cerr << "bench_allreduce_troupe: " << ended.error().message() << "\n";
      return 1;
    }
  return 0;
}
