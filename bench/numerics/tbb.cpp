// Reduction peer: oneTBB's parallel_reduce over a blocked_range with std::accumulate in the
// body, as the oneTBB documentation writes a sum, with the worker count capped to --threads.
#include <functional>
#include <numeric>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_reduce.h>

#include "numerics/common.hpp"

int main(int argc, char** argv) {
  using namespace bench::numerics;
  bench::options opt{argc, argv, option_names};
  auto n = static_cast<std::size_t>(opt.get("n", 100'000'000LL));
  auto runs = static_cast<int>(opt.get("runs", 3LL));
  auto threads =
      static_cast<std::size_t>(opt.get("threads", static_cast<long long>(bench::cores())));
  tbb::global_control limit{tbb::global_control::max_allowed_parallelism, threads};
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = static_cast<double>(i % 1000) * 1e-3;
  double total = 0;
  std::vector<double> rates;
  for (int r = 0; r <= runs; ++r) {
    auto t0 = bench::clock::now();
    total += tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, n), 0.0,
        [&](const tbb::blocked_range<std::size_t>& range, double init) {
          return std::accumulate(x.begin() + range.begin(), x.begin() + range.end(), init);
        },
        std::plus<double>());
    auto secs = bench::seconds_since(t0);
    if (r > 0)
      rates.push_back(static_cast<double>(n) / secs);
  }
  bench::keep(total);
  bench::report("reduce", "tbb", "elements_per_s", rates, static_cast<unsigned>(threads));
  return 0;
}
