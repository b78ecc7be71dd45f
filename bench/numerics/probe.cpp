// Machine limits the numerics figures are compared with:
//   peak_gflop_per_s_per_core: a loop of independent fused multiply-adds on the widest vector
//     type this build targets, one thread (with the clock from /proc/cpuinfo, the flops per
//     cycle it implies);
//   stream_triad_gb_per_s: STREAM's triad a = b + s·c over three 160 MB arrays with OpenMP on
//     --threads threads, best of 10, counting 24 bytes per element as STREAM does.
#include <fstream>
#include <string>
#include <vector>

#include <omp.h>

#include "numerics/common.hpp"

namespace {

#if defined(__AVX512F__)
constexpr int lanes = 8;
#elif defined(__AVX__)
constexpr int lanes = 4;
#else
constexpr int lanes = 2;
#endif

typedef double vec __attribute__((vector_size(lanes * sizeof(double))));

// 16 independent chains hide the FMA latency on every core this runs on (4 cycles x 2 pipes
// needs 8).
__attribute__((noinline)) double fma_loop(long iterations) {
  constexpr int chains = 16;
  vec acc[chains];
  vec m, a;
  for (int l = 0; l < lanes; ++l) {
    m[l] = 0.9999999;
    a[l] = 1e-7;
  }
  for (int c = 0; c < chains; ++c)
    for (int l = 0; l < lanes; ++l)
      acc[c][l] = 1.0 + 0.01 * c + 0.001 * l;
  for (long k = 0; k < iterations; ++k)
    for (int c = 0; c < chains; ++c)
      acc[c] = acc[c] * m + a;
  double sum = 0;
  for (int c = 0; c < chains; ++c)
    for (int l = 0; l < lanes; ++l)
      sum += acc[c][l];
  return sum;
}

std::string cpuinfo(const std::string& key) {
  std::ifstream in{"/proc/cpuinfo"};
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0)
      return line.substr(line.find(':') + 2);
  return "unknown";
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, bench::numerics::option_names};
  auto threads = static_cast<int>(opt.get("threads", static_cast<long long>(bench::cores())));
  auto model = cpuinfo("model name");
  auto mhz = std::stod(cpuinfo("cpu MHz") == "unknown" ? "0" : cpuinfo("cpu MHz"));

  constexpr long iterations = 20'000'000;
  constexpr double flops = 2.0 * lanes * 16 * iterations;
  std::vector<double> gflops;
  for (int r = 0; r < 6; ++r) {
    auto t0 = bench::clock::now();
    bench::keep(fma_loop(iterations));
    auto s = bench::seconds_since(t0);
    if (r > 0)
      gflops.push_back(flops / s / 1e9);
  }
  auto peak = *std::max_element(gflops.begin(), gflops.end());
  bench::report("probe", "machine", "peak_gflop_per_s_per_core", {peak}, 1,
                {{"vector_doubles", std::to_string(lanes)},
                 {"clock_mhz", bench::number(mhz)},
                 {"flops_per_cycle", bench::number(mhz > 0 ? peak * 1e3 / mhz : 0)},
                 {"cpu", bench::json_string(model)}});

  omp_set_num_threads(threads);
  const long n = 20'000'000;
  std::vector<double> a(n), b(n), c(n);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) {
    a[i] = 0;
    b[i] = 1.0;
    c[i] = 2.0;
  }
  const double scalar = 3.0;
  double best = 0;
  for (int r = 0; r < 10; ++r) {
    auto t0 = bench::clock::now();
    double* __restrict pa = a.data();
    const double* __restrict pb = b.data();
    const double* __restrict pc = c.data();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i)
      pa[i] = pb[i] + scalar * pc[i];
    auto s = bench::seconds_since(t0);
    best = std::max(best, 24.0 * n / s / 1e9);
  }
  bench::keep(a[n / 2]);
  bench::report("probe", "machine", "stream_triad_gb_per_s", {best},
                static_cast<unsigned>(threads));
  return 0;
}
