// heat2d's OpenMP peer, as an OpenMP user writes it: one (NX+2)×(NY+2) array with a zero
// boundary, a `parallel for` over columns per step, the residual every K steps with an OpenMP
// reduction. The same grid, weights, initial field (--init sine), steps and compile flags as
// examples/heat2d, so the figures compare the runtimes, not the arithmetic.
//
//   bench_heat2d_openmp --nx 4096 --ny 4096 --steps 200 [--threads N] [--residual-every 10]
#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

#include <omp.h>

#include "common/bench.hpp"

int main(int argc, char** argv) {
  bench::options opt{argc, argv, {"nx", "ny", "steps", "threads", "residual-every"}};
  const long nx = opt.get("nx", 4096LL);
  const long ny = opt.get("ny", 4096LL);
  const long steps = opt.get("steps", 200LL);
  const long every = opt.get("residual-every", 10LL);
  const int threads = static_cast<int>(opt.get("threads", static_cast<long long>(bench::cores())));
  omp_set_num_threads(threads);
  // heat2d's defaults: alpha 1, dt 0.9 of the stability limit on the unit square.
  const double hx = 1.0 / static_cast<double>(nx + 1), hy = 1.0 / static_cast<double>(ny + 1);
  const double dt = 0.9 * 0.5 / (1.0 / (hx * hx) + 1.0 / (hy * hy));
  const double rx = dt / (hx * hx), ry = dt / (hy * hy);
  const double center = 1 - 2 * rx - 2 * ry;
  const long rows = nx + 2; // x is the fast index, as in heat2d
  std::vector<double> u(static_cast<std::size_t>(rows * (ny + 2)), 0.0), v = u;
  for (long j = 1; j <= ny; ++j)
    for (long i = 1; i <= nx; ++i)
      u[static_cast<std::size_t>(i + rows * j)] =
          std::sin(std::numbers::pi * static_cast<double>(i) * hx) *
          std::sin(std::numbers::pi * static_cast<double>(j) * hy);
  double residual = 0;
  auto t0 = bench::clock::now();
  for (long s = 1; s <= steps; ++s) {
    const double* in = u.data();
    double* out = v.data();
#pragma omp parallel for schedule(static)
    for (long j = 1; j <= ny; ++j) {
      const double* __restrict south = in + (j - 1) * rows;
      const double* __restrict mid = in + j * rows;
      const double* __restrict north = in + (j + 1) * rows;
      double* __restrict o = out + j * rows;
      for (long i = 1; i <= nx; ++i)
        o[i] = center * mid[i] + rx * (mid[i - 1] + mid[i + 1]) + ry * (south[i] + north[i]);
    }
    if (s % every == 0 || s == steps) {
      double sum = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum)
      for (long j = 1; j <= ny; ++j)
        for (long i = 1; i <= nx; ++i) {
          auto d = out[i + rows * j] - in[i + rows * j];
          sum += d * d;
        }
      residual = std::sqrt(sum);
    }
    std::swap(u, v);
  }
  auto secs = bench::seconds_since(t0);
  bench::keep(residual);
  bench::report(
      "heat2d", "openmp", "cell_updates_per_s",
      {static_cast<double>(nx) * static_cast<double>(ny) * static_cast<double>(steps) / secs},
      static_cast<unsigned>(threads));
  return 0;
}
