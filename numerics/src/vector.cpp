#include <troupe/numerics/vector.hpp>

#include <cmath>
#include <string>

namespace troupe::numerics::detail {

namespace {

constexpr std::size_t lanes = 32;

double fold_lanes(double* acc) noexcept {
  for (std::size_t width = lanes / 2; width >= 1; width /= 2)
    for (std::size_t j = 0; j < width; ++j)
      acc[j] = acc[2 * j] + acc[2 * j + 1];
  return acc[0];
}

std::string size_text(std::size_t n) {
  return std::to_string(n);
}

result<void> check_contiguous(const char* kernel, const char* what, std::ptrdiff_t stride,
                              std::size_t size) {
  if (stride != 1 && size > 1)
    return make_error(errc::invalid_argument, std::string{kernel} + ": " + what +
                                                  " has inner stride " + std::to_string(stride) +
                                                  "; pass a contiguous vector (copy it first)");
  return {};
}

} // namespace

double sum_fixed(const double* x, std::size_t n) noexcept {
  double acc[lanes] = {};
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes)
    for (std::size_t j = 0; j < lanes; ++j)
      acc[j] += x[i + j];
  for (std::size_t j = 0; i + j < n; ++j)
    acc[j] += x[i + j];
  return fold_lanes(acc);
}

double dot_fixed(const double* x, const double* y, std::size_t n) noexcept {
  double acc[lanes] = {};
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes)
    for (std::size_t j = 0; j < lanes; ++j)
      acc[j] += x[i + j] * y[i + j];
  for (std::size_t j = 0; i + j < n; ++j)
    acc[j] += x[i + j] * y[i + j];
  return fold_lanes(acc);
}

task<result<double>> sum(exec ex, vec_view x, reduce_options opts) {
  if (opts.name == reduce_options{}.name)
    opts.name = "sum";
  if (auto ok = check_contiguous("sum", "x", x.stride, x.size); !ok)
    co_return ok.error();
  co_return co_await parallel_reduce(
      ex, 0, x.size, 0.0,
      [x](std::size_t b, std::size_t e) { return sum_fixed(x.data + b, e - b); }, std::plus<>{},
      opts);
}

task<result<double>> dot(exec ex, vec_view x, vec_view y, reduce_options opts) {
  if (opts.name == reduce_options{}.name)
    opts.name = "dot";
  if (x.size != y.size)
    co_return make_error(errc::dimension_mismatch, "dot: x has " + size_text(x.size) +
                                                       " elements but y has " + size_text(y.size) +
                                                       "; pass vectors of equal size");
  if (auto ok = check_contiguous("dot", "x", x.stride, x.size); !ok)
    co_return ok.error();
  if (auto ok = check_contiguous("dot", "y", y.stride, y.size); !ok)
    co_return ok.error();
  co_return co_await parallel_reduce(
      ex, 0, x.size, 0.0,
      [x, y](std::size_t b, std::size_t e) { return dot_fixed(x.data + b, y.data + b, e - b); },
      std::plus<>{}, opts);
}

task<result<double>> norm(exec ex, vec_view x, reduce_options opts) {
  if (opts.name == reduce_options{}.name)
    opts.name = "norm";
  auto sq = co_await dot(ex, x, x, opts);
  if (!sq)
    co_return sq.error();
  co_return std::sqrt(*sq);
}

task<result<void>> axpy(exec ex, double a, vec_view x, mut_vec_view y) {
  if (x.size != y.size)
    co_return make_error(errc::dimension_mismatch, "axpy: x has " + size_text(x.size) +
                                                       " elements but y has " + size_text(y.size) +
                                                       "; pass vectors of equal size");
  if (x.size == 0)
    co_return make_error(errc::empty_input, "axpy: x and y are empty");
  if (auto ok = check_contiguous("axpy", "x", x.stride, x.size); !ok)
    co_return ok.error();
  if (auto ok = check_contiguous("axpy", "y", y.stride, y.size); !ok)
    co_return ok.error();
  co_await ex.for_each(
      0, x.size,
      [a, x, y](std::size_t b, std::size_t e) {
        const double* __restrict xs = x.data;
        double* __restrict ys = y.data;
        for (auto i = b; i < e; ++i)
          ys[i] += a * xs[i];
      },
      kernel_options{.name = "axpy", .chunks = 0});
  co_return result<void>{};
}

} // namespace troupe::numerics::detail
