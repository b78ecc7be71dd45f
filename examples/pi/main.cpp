// pi: Monte Carlo estimate of pi on every core, with the same digits for any --threads.
//
// A coroutine actor awaits one parallel_for over a fixed number of chunks; chunk c throws its
// darts from its own random stream keyed by (seed, c), so neither the numbers drawn nor the
// integer hit counts depend on which worker runs which chunk.
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <vector>

#include <troupe/numerics/random.hpp>
#include <troupe/troupe.hpp>

namespace {

struct estimate {
  std::uint64_t hits = 0;
  std::uint64_t samples = 0;
};

troupe::task<estimate> throw_darts(troupe::context& self, std::uint64_t samples, std::uint64_t seed,
                                   std::uint64_t chunks) {
  std::vector<std::uint64_t> hits(chunks, 0);
  co_await troupe::parallel_for(
      self, 0, chunks,
      [&](std::size_t c) {
        // Chunk c draws samples [c*n/K, (c+1)*n/K) from stream (seed, c).
        auto count = (c + 1) * samples / chunks - c * samples / chunks;
        troupe::numerics::random_stream darts{{seed, c}};
        std::uint64_t inside = 0;
        for (std::uint64_t i = 0; i < count; ++i) {
          double x = darts.uniform();
          double y = darts.uniform();
          inside += x * x + y * y < 1.0 ? 1 : 0;
        }
        hits[c] = inside;
      },
      troupe::kernel_options{.name = "darts", .chunks = chunks});
  co_return estimate{std::accumulate(hits.begin(), hits.end(), std::uint64_t{0}), samples};
}

} // namespace

int main(int argc, char** argv) {
  troupe::node_config cfg{"pi", "Estimates pi by Monte Carlo on all cores; the digits do not "
                                "depend on --threads."};
  std::uint64_t samples = 100'000'000;
  std::uint64_t seed = 2024;
  std::uint64_t chunks = 256;
  cfg.option(samples, "samples", "darts to throw (default 100000000)");
  cfg.option(seed, "seed", "seed of the random streams (default 2024)");
  cfg.option(chunks, "chunks", "independent random streams, one per chunk (default 256)");
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    if (samples == 0 || chunks == 0 || chunks > samples) {
      std::fprintf(stderr,
                   "pi: --samples must be positive and --chunks in [1, --samples] "
                   "(got %llu and %llu)\n",
                   static_cast<unsigned long long>(samples),
                   static_cast<unsigned long long>(chunks));
      return 2;
    }
    auto job = troupe::launch(n, {.name = "pi"}, throw_darts, samples, seed, chunks);
    auto e = job.get().value(); // waits for the actor's co_return
    double pi = 4.0 * static_cast<double>(e.hits) / static_cast<double>(e.samples);
    std::printf("pi ~ %.12f\n", pi);
    std::printf("%llu of %llu darts inside the quarter circle (seed %llu, %llu streams, "
                "%zu threads)\n",
                static_cast<unsigned long long>(e.hits), static_cast<unsigned long long>(e.samples),
                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(chunks),
                n.threads());
    return 0;
  });
}
