// The pricer's OpenMP peer, as an OpenMP user writes it: a `parallel for` over the chunks of
// paths, each chunk's sums stored at its index, then added in chunk order on one thread. The
// same model (examples/pricer/model.hpp, the same compiled library and random streams) as the
// troupe pricer, so the prices agree to the bit and the figures compare the runtimes.
//
//   bench_pricer_openmp [--bench european|asian|both] [--european-paths N] [--asian-paths N]
//                       [--time-steps 32] [--chunk-paths 16384] [--seed S] [--threads N]
//
// One JSON line per bench (pricer_european: a European call; pricer_asian: an arithmetic
// Asian call with 32 monitoring dates), metric paths_per_s, with the price and its standard
// error as extra keys.
#include <cstdio>
#include <string>
#include <vector>

#include <omp.h>

#include "common/bench.hpp"
#include "model.hpp"

namespace {

pricer::price_estimate run(const pricer::params& p) {
  const auto chunks = static_cast<long long>(pricer::chunk_count(p));
  std::vector<pricer::chunk_result> results(static_cast<std::size_t>(chunks));
#pragma omp parallel for schedule(dynamic)
  for (long long c = 0; c < chunks; ++c)
    results[static_cast<std::size_t>(c)] = pricer::simulate_chunk(p, static_cast<std::uint64_t>(c));
  return pricer::estimate(pricer::combine(results));
}

void measure(const char* bench_name, const pricer::params& p, unsigned threads) {
  auto t0 = bench::clock::now();
  auto e = run(p);
  auto secs = bench::seconds_since(t0);
  char price[64];
  char error[64];
  std::snprintf(price, sizeof price, "%.17g", e.price);
  std::snprintf(error, sizeof error, "%.17g", e.std_error);
  bench::report(bench_name, "openmp", "paths_per_s", {static_cast<double>(p.paths) / secs}, threads,
                {{"price", price}, {"std_error", error}, {"paths", std::to_string(p.paths)}});
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{
      argc,
      argv,
      {"bench", "european-paths", "asian-paths", "time-steps", "chunk-paths", "seed", "threads"}};
  const auto which = opt.get("bench", std::string{"both"});
  if (which != "european" && which != "asian" && which != "both") {
    std::fprintf(stderr, "%s: --bench must be european, asian or both (got '%s')\n", argv[0],
                 which.c_str());
    return 2;
  }
  const auto threads =
      static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  omp_set_num_threads(static_cast<int>(threads));
  pricer::params p;
  p.chunk_paths = static_cast<std::uint64_t>(opt.get("chunk-paths", 16384LL));
  p.seed = static_cast<std::uint64_t>(opt.get("seed", 2024LL));
  p.time_steps = static_cast<std::uint64_t>(opt.get("time-steps", 32LL));
  if (which != "asian") {
    p.kind = pricer::option_kind::european_call;
    p.paths = static_cast<std::uint64_t>(opt.get("european-paths", 32'000'000LL));
    measure("pricer_european", p, threads);
  }
  if (which != "european") {
    p.kind = pricer::option_kind::asian_call;
    p.paths = static_cast<std::uint64_t>(opt.get("asian-paths", 2'000'000LL));
    measure("pricer_asian", p, threads);
  }
  return 0;
}
