// 5-point stencil peer: an idiomatic OpenMP loop over the columns of the tile (static schedule),
// the same expression and compile flags as troupe's stencil5.
#include <utility>

#include <omp.h>

#include "numerics/common.hpp"

int main(int argc, char** argv) {
  using namespace bench::numerics;
  bench::options opt{argc, argv, option_names};
  auto n = static_cast<long>(opt.get("n", 4096LL));
  auto runs = static_cast<int>(opt.get("runs", 3LL));
  auto sweeps = static_cast<int>(opt.get("sweeps", 10LL));
  auto threads = static_cast<int>(opt.get("threads", static_cast<long long>(bench::cores())));
  omp_set_num_threads(threads);
  auto u = field(n);
  Eigen::ArrayXXd v = u;
  const double center = 1 - 4 * stencil_alpha, di = stencil_alpha, dj = stencil_alpha;
  std::vector<double> rates;
  for (int r = 0; r <= runs; ++r) {
    auto t0 = bench::clock::now();
    for (int s = 0; s < sweeps; ++s) {
      const double* in = u.data();
      double* out = v.data();
#pragma omp parallel for schedule(static)
      for (long j = 1; j < n - 1; ++j) {
        const double* __restrict west = in + (j - 1) * n;
        const double* __restrict mid = in + j * n;
        const double* __restrict east = in + (j + 1) * n;
        double* __restrict o = out + j * n;
        for (long i = 1; i < n - 1; ++i)
          o[i] = center * mid[i] + di * (mid[i - 1] + mid[i + 1]) + dj * (west[i] + east[i]);
      }
      std::swap(u, v);
    }
    auto secs = bench::seconds_since(t0);
    if (r > 0)
      rates.push_back(static_cast<double>(n - 2) * static_cast<double>(n - 2) * sweeps / secs);
  }
  bench::keep(u(1, 1));
  bench::report("stencil5", "openmp", "cell_updates_per_s", rates, static_cast<unsigned>(threads));
  return 0;
}
