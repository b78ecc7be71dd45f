// Numerics benchmarks, troupe side: a coroutine actor awaits the kernel on the node's pool (the
// way simulation actors use it), --runs timed runs after one warm-up run.
//   --bench gemm        --n N      C = A·B of N×N matrices, gflop_per_s
//   --bench stencil5    --n N      --sweeps S 5-point sweeps on an N×N tile (N = 4096 unless
//                                  given), cell_updates_per_s
//   --bench reduce      --n N      sum of N doubles, elements_per_s
//   --bench normal_fill --n N      N normal variates, variates_per_s
//   --bench fft2d       --n N      N×N complex 2-D FFT, transforms_per_s
// bench/numerics/run runs this beside the peers' executables (bench/alternate).
#include <functional>
#include <future>

#include <troupe/numerics.hpp>
#include <troupe/troupe.hpp>

#include "common/systems.hpp"
#include "numerics/common.hpp"

namespace {

using namespace bench::numerics;
namespace tn = troupe::numerics;

using timed_body = std::function<troupe::task<>(troupe::context&)>;

// Runs `body` once as a warm-up and `runs` times timed, inside one coroutine actor.
std::vector<double> time_in_actor(troupe::node& node, int runs, timed_body body) {
  std::promise<std::vector<double>> done;
  troupe::spawn(node, {.name = "bench"}, [&](troupe::context& self) -> troupe::task<> {
    std::vector<double> secs;
    for (int r = 0; r <= runs; ++r) {
      auto t0 = bench::clock::now();
      co_await body(self);
      if (r > 0)
        secs.push_back(bench::seconds_since(t0));
    }
    done.set_value(std::move(secs));
  });
  return done.get_future().get();
}

void check(const troupe::result<void>& r) {
  if (!r) {
    std::fprintf(stderr, "bench numerics: %s\n", r.error().message().c_str());
    std::exit(1);
  }
}

std::vector<double> per_second(double work, const std::vector<double>& secs) {
  std::vector<double> out;
  for (auto s : secs)
    out.push_back(work / s);
  return out;
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, option_names};
  auto name = opt.get("bench", std::string{"gemm"});
  // stencil5's default is its peer's (bench_numerics_openmp): run without --n, both sweep 4096².
  auto n = static_cast<Eigen::Index>(opt.get("n", name == "stencil5" ? 4096LL : 1024LL));
  auto runs = static_cast<int>(opt.get("runs", 3LL));
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  bench::troupe_system sys{bench::troupe_args(threads)};
  auto& node = *sys.node;

  if (name == "gemm") {
    auto a = matrix(n, n, 0.1), b = matrix(n, n, 0.2);
    Eigen::MatrixXd c(n, n);
    auto chunks = static_cast<std::size_t>(opt.get("chunks", 0LL));
    auto secs = time_in_actor(node, runs, [&](troupe::context& self) -> troupe::task<> {
      check(co_await tn::gemm(self, a, b, c, {.chunks = chunks}));
    });
    bench::keep(c(0, 0));
    bench::report(gemm_name(n), "troupe", "gflop_per_s", per_second(gemm_flops(n) / 1e9, secs),
                  threads);
  } else if (name == "stencil5") {
    auto sweeps = static_cast<int>(opt.get("sweeps", 10LL));
    auto u = field(n);
    Eigen::ArrayXXd v = u;
    auto w = tn::stencil5_weights::diffusion(stencil_alpha);
    auto secs = time_in_actor(node, runs, [&](troupe::context& self) -> troupe::task<> {
      for (int s = 0; s < sweeps; ++s) {
        check(co_await tn::stencil5(self, u, v, w));
        std::swap(u, v);
      }
    });
    bench::keep(u(1, 1));
    auto cells = static_cast<double>(n - 2) * static_cast<double>(n - 2) * sweeps;
    bench::report("stencil5", "troupe", "cell_updates_per_s", per_second(cells, secs), threads);
  } else if (name == "reduce") {
    Eigen::VectorXd x(n);
    check(tn::fill_uniform(node, x, {1, 2}));
    double total = 0;
    auto secs = time_in_actor(node, runs, [&](troupe::context& self) -> troupe::task<> {
      auto s = co_await tn::sum(self, x);
      total += s.value();
    });
    bench::keep(total);
    bench::report("reduce", "troupe", "elements_per_s", per_second(static_cast<double>(n), secs),
                  threads);
  } else if (name == "normal_fill") {
    Eigen::ArrayXd x(n);
    auto secs = time_in_actor(node, runs, [&](troupe::context& self) -> troupe::task<> {
      check(co_await tn::fill_normal(self, x, {7, 0}));
    });
    bench::keep(x[0]);
    bench::report("normal_fill", "troupe", "variates_per_s",
                  per_second(static_cast<double>(n), secs), threads);
  } else if (name == "fft2d") {
    Eigen::MatrixXcd x(n, n);
    x.real() = matrix(n, n, 0.3);
    x.imag() = matrix(n, n, 0.4);
    Eigen::MatrixXcd y;
    auto secs = time_in_actor(node, runs, [&](troupe::context& self) -> troupe::task<> {
      auto r = co_await tn::fft2(self, x);
      y = std::move(r).value();
    });
    bench::keep(y(0, 0));
    bench::report("fft2d", "troupe", "transforms_per_s", per_second(1.0, secs), threads);
  } else {
    std::fprintf(stderr, "bench numerics: unknown --bench %s\n", name.c_str());
    return 2;
  }
  return 0;
}
