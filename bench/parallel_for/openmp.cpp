// parallel_for, OpenMP: the same kernel as an idiomatic `#pragma omp parallel for`
// (static schedule, libgomp's default wait policy), same modes and output as troupe.cpp.
#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include <omp.h>

#include "parallel_for/kernel.hpp"

int main(int argc, char** argv) {
  bench::options opt{argc, argv, bench::pf::option_names};
  auto s = bench::pf::settings::parse(opt);
  omp_set_num_threads(static_cast<int>(s.threads));
  if (s.mode == "start") {
    std::vector<double> done_us;
    std::vector<double> started_us;
    std::vector<bench::clock::time_point> starts(s.threads);
    auto n = static_cast<long>(s.threads);
    for (int k = -2; k < s.samples; ++k) {
      std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(s.gap_ms));
      auto t0 = bench::clock::now();
#pragma omp parallel for schedule(static)
      for (long i = 0; i < n; ++i)
        starts[static_cast<std::size_t>(i)] = bench::clock::now();
      auto t1 = bench::clock::now();
      if (k < 0)
        continue;
      done_us.push_back(bench::pf::us_between(t0, t1));
      started_us.push_back(
          bench::pf::us_between(t0, *std::max_element(starts.begin(), starts.end())));
    }
    bench::pf::report_start("openmp", s, done_us, started_us);
    return 0;
  }
  auto x = bench::pf::input(s.n);
  std::vector<double> y(s.n);
  std::vector<double> secs;
  auto n = static_cast<long>(s.n);
  for (int r = 0; r <= s.runs; ++r) {
    auto t0 = bench::clock::now();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i)
      y[static_cast<std::size_t>(i)] = bench::pf::wave(x[static_cast<std::size_t>(i)]);
    if (r > 0)
      secs.push_back(bench::seconds_since(t0));
  }
  bench::pf::report_throughput("openmp", s, secs, bench::pf::checksum(y));
  return 0;
}
