// parallel_for, oneTBB: the same kernel as an idiomatic `tbb::parallel_for` over a
// `blocked_range` (auto partitioner), threads capped with `tbb::global_control`.
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include "parallel_for/kernel.hpp"

int main(int argc, char** argv) {
  bench::options opt{argc, argv, bench::pf::option_names};
  auto s = bench::pf::settings::parse(opt);
  tbb::global_control threads{tbb::global_control::max_allowed_parallelism, s.threads};
  auto x = bench::pf::input(s.n);
  std::vector<double> y(s.n);
  std::vector<double> secs;
  for (int r = 0; r <= s.runs; ++r) {
    auto t0 = bench::clock::now();
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, s.n),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (auto i = range.begin(); i != range.end(); ++i)
                          y[i] = bench::pf::wave(x[i]);
                      });
    if (r > 0)
      secs.push_back(bench::seconds_since(t0));
  }
  bench::pf::report_throughput("tbb", s, secs, bench::pf::checksum(y));
  return 0;
}
