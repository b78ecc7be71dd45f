// Serial peers, as a user writes them without a parallel runtime:
//   --bench normal_fill: std::normal_distribution over std::mt19937_64, one thread;
//   --bench fft2d: Eigen's FFT over every column, then every row (copied out and back).
#include <random>

#include <unsupported/Eigen/FFT>

#include "numerics/common.hpp"

int main(int argc, char** argv) {
  using namespace bench::numerics;
  bench::options opt{argc, argv, option_names};
  auto name = opt.get("bench", std::string{"fft2d"});
  auto n = static_cast<Eigen::Index>(opt.get("n", 2048LL));
  auto runs = static_cast<int>(opt.get("runs", 3LL));
  std::vector<double> rates;
  if (name == "normal_fill") {
    std::vector<double> x(static_cast<std::size_t>(n));
    std::mt19937_64 gen{7};
    std::normal_distribution<double> normal;
    for (int r = 0; r <= runs; ++r) {
      auto t0 = bench::clock::now();
      for (auto& v : x)
        v = normal(gen);
      auto secs = bench::seconds_since(t0);
      if (r > 0)
        rates.push_back(static_cast<double>(n) / secs);
    }
    bench::keep(x[0]);
    bench::report("normal_fill", "serial", "variates_per_s", rates, 1);
  } else if (name == "fft2d") {
    Eigen::MatrixXcd x(n, n);
    x.real() = matrix(n, n, 0.3);
    x.imag() = matrix(n, n, 0.4);
    Eigen::FFT<double> fft;
    Eigen::VectorXcd in, out;
    for (int r = 0; r <= runs; ++r) {
      auto t0 = bench::clock::now();
      Eigen::MatrixXcd y(n, n);
      for (Eigen::Index j = 0; j < n; ++j) {
        in = x.col(j);
        fft.fwd(out, in);
        y.col(j) = out;
      }
      for (Eigen::Index i = 0; i < n; ++i) {
        in = y.row(i).transpose();
        fft.fwd(out, in);
        y.row(i) = out.transpose();
      }
      auto secs = bench::seconds_since(t0);
      bench::keep(y(0, 0));
      if (r > 0)
        rates.push_back(1.0 / secs);
    }
    bench::report("fft2d", "serial", "transforms_per_s", rates, 1);
  } else {
    std::fprintf(stderr, "bench numerics serial: unknown --bench %s\n", name.c_str());
    return 2;
  }
  return 0;
}
