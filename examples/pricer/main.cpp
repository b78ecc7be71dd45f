// pricer: Monte Carlo prices of European and Asian options on troupe's task farm.
//
//   pricer --option asian-call --spot 100 --strike 100 --rate 0.05 --sigma 0.2
//          --maturity 1 --paths 10000000 --time-steps 32 --seed 2024
//
// The paths are cut into chunks of --chunk-paths; each chunk is one task of the farm and draws
// from its own counter-based stream keyed by (seed, chunk); the chunks' sums are combined in
// chunk order. So the printed result has the same bits on any --threads, whichever worker
// computed which chunk in whatever order, with workers on other processes (`troupe-run -n N
// pricer ...`: rank 0 runs the farm with workers on every rank; by hand, `pricer --listen
// HOST:PORT` serves workers for `pricer --join HOST:PORT ...`), and when a worker dies mid-run
// (its chunk is redone from the same stream by another).
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <string>

#include <troupe/actors/farm.hpp>
#include <troupe/actors/hosted.hpp>
#include <troupe/actors/job.hpp>
#include <troupe/troupe.hpp>

#include "model.hpp"
#include "wire.hpp"

namespace {

namespace ta = troupe::actors;

// For the tests: the first time this process computes chunk `crash_chunk` (any chunk: -2), its
// worker throws.
std::atomic<std::int64_t> crash_chunk{-1};

pricer::chunk_result run_chunk(troupe::context&, const pricer::chunk_task& t) {
  auto c = static_cast<std::int64_t>(t.chunk);
  auto armed = crash_chunk.load();
  if ((armed == c || armed == -2) && crash_chunk.compare_exchange_strong(armed, -1))
    throw std::runtime_error("pricer: worker crashed on chunk " + std::to_string(t.chunk) +
                             " (--crash-chunk)");
  return pricer::simulate_chunk(t.p, t.chunk);
}

void report(const pricer::params& p, const pricer::price_estimate& e, double seconds,
            std::size_t retried) {
  std::printf("option: %s, spot %g, strike %g, rate %g, sigma %g, maturity %g\n",
              std::string{pricer::name(p.kind)}.c_str(), p.spot, p.strike, p.rate, p.sigma,
              p.maturity);
  std::printf("paths: %" PRIu64 "\n", e.paths);
  std::printf("price: %.17g\n", e.price);
  std::printf("std error: %.17g\n", e.std_error);
  std::printf("95%% interval: [%.10g, %.10g]\n", e.low, e.high);
  if (auto bs = pricer::black_scholes(p)) {
    std::printf("black-scholes: %.10g\n", *bs);
    std::printf("distance: %.3g standard errors\n",
                e.std_error > 0 ? (e.price - *bs) / e.std_error : 0.0);
  }
  std::printf("chunks redone: %zu\n", retried);
  std::printf("time: %.3f s\n", seconds);
  std::printf("paths/s: %.4g\n", seconds > 0 ? static_cast<double>(e.paths) / seconds : 0.0);
  std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
  troupe::node_config cfg{"pricer", "Monte Carlo option prices on troupe's task farm; the same "
                                    "bits on any thread count, node count and completion order."};
  pricer::params p;
  std::string option{pricer::name(p.kind)};
  std::string progress = "auto";
  std::int64_t crash = -1;
  cfg.option(option, "option", "european-call, european-put or asian-call (default european-call)");
  cfg.option(p.spot, "spot", "the underlying's price now (default 100)");
  cfg.option(p.strike, "strike", "strike price (default 100)");
  cfg.option(p.rate, "rate", "risk-free rate, continuously compounded (default 0.05)");
  cfg.option(p.sigma, "sigma", "volatility per square root of a year (default 0.2)");
  cfg.option(p.maturity, "maturity", "years to maturity (default 1)");
  cfg.option(p.paths, "paths", "simulated paths (default 1000000)");
  cfg.option(p.time_steps, "time-steps", "an Asian option's monitoring dates (default 32)");
  cfg.option(p.seed, "seed", "the random streams' seed (default 2024)");
  cfg.option(p.chunk_paths, "chunk-paths", "paths per task (default 16384; part of the bits)");
  cfg.option(progress, "progress", "auto, bar, lines or off, on stderr (default auto)");
  cfg.option(crash, "crash-chunk",
             "(tests) the worker computing this chunk first throws (-2: the first chunk here)");
  ta::add_farm_types(cfg);
  pricer::add_wire_types(cfg);
  ta::hosted served; // the workers this process serves for another's farm (--listen)
  cfg.add_actor_type("pricer.worker", served.wrap(ta::farm_worker<pricer::chunk_task>(run_chunk)));
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    auto kind = pricer::parse_option_kind(option);
    if (!kind) {
      std::fprintf(stderr,
                   "pricer: --option must be european-call, european-put or asian-call "
                   "(got '%s')\n",
                   option.c_str());
      return 2;
    }
    p.kind = *kind;
    auto shown = ta::parse_progress(progress);
    auto bad = pricer::check(p);
    if (bad || !shown) {
      std::fprintf(stderr, "%s\n",
                   bad ? bad->c_str() : ("pricer: " + shown.error().message()).c_str());
      return 2;
    }
    crash_chunk = crash;
    if (ta::role_of(n) == ta::job_role::serve) {
      auto ended = ta::serve(n, served);
      if (!ended)
        std::fprintf(stderr, "pricer: %s\n", ended.error().message().c_str());
      return ended ? 0 : 1;
    }
    std::vector<pricer::chunk_task> tasks;
    for (std::uint64_t c = 0; c < pricer::chunk_count(p); ++c)
      tasks.push_back({p, c});
    ta::farm_options opts;
    opts.worker_type = "pricer.worker";
    opts.progress = *shown;
    opts.label = "pricer";
    auto started = std::chrono::steady_clock::now();
    auto done = ta::run_farm<pricer::chunk_task, pricer::chunk_result>(n, opts, tasks);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    if (!done) {
      std::fprintf(stderr, "pricer: %s\n", done.error().message().c_str());
      return 1;
    }
    std::vector<pricer::chunk_result> sums;
    std::size_t retried = 0;
    for (auto& o : *done) {
      retried += o.attempts > 1 ? 1 : 0;
      if (!o.value) {
        std::fprintf(stderr, "pricer: chunk %" PRIu64 ": %s\n", o.id,
                     o.value.error().message().c_str());
        return 1;
      }
      sums.push_back(*o.value);
    }
    report(p, pricer::estimate(pricer::combine(sums)), took.count(), retried);
    return 0;
  });
}
