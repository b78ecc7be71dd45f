// GEMM peer: Eigen's own threading with OpenMP (built without EIGEN_DONT_PARALLELIZE, with
// -fopenmp and the same kernel flags as troupe), as an Eigen user writes it: C.noalias() = A*B.
#include <Eigen/Core>
#include <omp.h>

#include "numerics/common.hpp"

int main(int argc, char** argv) {
  using namespace bench::numerics;
  bench::options opt{argc, argv, option_names};
  auto n = static_cast<Eigen::Index>(opt.get("n", 1024LL));
  auto runs = static_cast<int>(opt.get("runs", 3LL));
  auto threads = static_cast<int>(opt.get("threads", static_cast<long long>(bench::cores())));
  omp_set_num_threads(threads);
  Eigen::setNbThreads(threads);
  auto a = matrix(n, n, 0.1), b = matrix(n, n, 0.2);
  Eigen::MatrixXd c(n, n);
  std::vector<double> rates;
  for (int r = 0; r <= runs; ++r) {
    auto t0 = bench::clock::now();
    c.noalias() = a * b;
    auto s = bench::seconds_since(t0);
    if (r > 0)
      rates.push_back(gemm_flops(n) / 1e9 / s);
  }
  bench::keep(c(0, 0));
  bench::report(gemm_name(n), "eigen", "gflop_per_s", rates, static_cast<unsigned>(threads));
  return 0;
}
