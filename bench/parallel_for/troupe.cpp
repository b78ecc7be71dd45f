// parallel_for, troupe: a coroutine actor awaits `troupe::parallel_for` on the node's pool.
//   --mode throughput: the wave kernel over --n doubles, elements/s;
//   --mode start: a trivial kernel (one chunk per worker) after --gap-ms of idleness, µs until
//                 the await resumes and until the last chunk started.
// bench/alternate runs this beside the OpenMP and oneTBB executables.
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include <troupe/troupe.hpp>

#include "common/systems.hpp"
#include "parallel_for/kernel.hpp"

namespace {

struct throughput_job {
  const bench::pf::settings* s;
  const double* x;
  double* y;
  std::promise<std::vector<double>> secs;
};

troupe::task<> throughput(troupe::context& self, throughput_job* job) {
  std::vector<double> secs;
  const double* x = job->x;
  double* y = job->y;
  for (int r = 0; r <= job->s->runs; ++r) {
    auto t0 = bench::clock::now();
    co_await troupe::parallel_for(self, 0, job->s->n, [x, y](std::size_t b, std::size_t e) {
      for (auto i = b; i < e; ++i)
        y[i] = bench::pf::wave(x[i]);
    });
    if (r > 0) // run 0 is the warm-up
      secs.push_back(bench::seconds_since(t0));
  }
  job->secs.set_value(std::move(secs));
}

struct start_job {
  const bench::pf::settings* s;
  std::promise<std::pair<std::vector<double>, std::vector<double>>> result;
};

troupe::task<> start(troupe::context& self, start_job* job) {
  auto& s = *job->s;
  std::vector<double> done_us;
  std::vector<double> started_us;
  std::vector<bench::clock::time_point> starts(s.threads);
  auto gap = std::chrono::duration<double, std::milli>(s.gap_ms);
  for (int k = -2; k < s.samples; ++k) {
    co_await troupe::sleep(self, std::chrono::duration_cast<troupe::duration>(gap));
    auto t0 = bench::clock::now();
    co_await troupe::parallel_for(self, 0, s.threads,
                                  [&starts](std::size_t i) { starts[i] = bench::clock::now(); },
                                  {.name = "trivial", .chunks = s.threads});
    auto t1 = bench::clock::now();
    if (k < 0)
      continue;
    done_us.push_back(bench::pf::us_between(t0, t1));
    started_us.push_back(
        bench::pf::us_between(t0, *std::max_element(starts.begin(), starts.end())));
  }
  job->result.set_value({std::move(done_us), std::move(started_us)});
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, bench::pf::option_names};
  auto s = bench::pf::settings::parse(opt);
  // `--impl` names the variant in the output, e.g. troupe-latency for a run with other flags.
  auto impl = opt.get("impl", std::string{"troupe"});
  auto args = bench::troupe_args(s.threads);
  bench::troupe_system sys{args};
  if (s.mode == "start") {
    start_job job{&s, {}};
    auto result = job.result.get_future();
    troupe::spawn(*sys.node, start, &job);
    auto [done, started] = result.get();
    bench::pf::report_start(impl.c_str(), s, done, started);
    return 0;
  }
  auto x = bench::pf::input(s.n);
  std::vector<double> y(s.n);
  throughput_job job{&s, x.data(), y.data(), {}};
  auto result = job.secs.get_future();
  troupe::spawn(*sys.node, throughput, &job);
  auto secs = result.get();
  bench::pf::report_throughput(impl.c_str(), s, secs, bench::pf::checksum(y));
  return 0;
}
