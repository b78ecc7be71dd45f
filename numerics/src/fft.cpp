#include <troupe/numerics/fft.hpp>

#include <algorithm>
#include <climits>
#include <string>
#include <vector>

#include <unsupported/Eigen/FFT>

namespace troupe::numerics::detail {

namespace {

using complex = std::complex<double>;

// Eigen's FFT object caches plans and scratch buffers, so each worker thread keeps its own.
// HalfSpectrum makes real forward transforms write only the n/2 + 1 non-negative bins.
Eigen::FFT<double>& local_fft() {
  thread_local Eigen::FFT<double> engine{Eigen::FFT<double>::impl_type{},
                                         Eigen::FFT<double>::HalfSpectrum};
  return engine;
}

// kissfft cannot plan a transform of length 1 (it crashes); that transform is the identity.
void forward(Eigen::FFT<double>& engine, complex* dst, const complex* src, Eigen::Index n) {
  if (n == 1)
    dst[0] = src[0];
  else
    engine.fwd(dst, src, n);
}

void forward(Eigen::FFT<double>& engine, complex* dst, const double* src, Eigen::Index n) {
  if (n == 1)
    dst[0] = src[0];
  else
    engine.fwd(dst, src, n);
}

void backward(Eigen::FFT<double>& engine, complex* dst, const complex* src, Eigen::Index n) {
  if (n == 1)
    dst[0] = src[0];
  else
    engine.inv(dst, src, n);
}

void backward(Eigen::FFT<double>& engine, double* dst, const complex* src, Eigen::Index n) {
  if (n == 1)
    dst[0] = src[0].real();
  else
    engine.inv(dst, src, n);
}

// Rows are gathered this many at a time: each column then yields 256 contiguous bytes. The
// gathered rows lie `cols + row_pad` apart, so that they do not all fall into one cache set
// when cols is a power of two.
constexpr Eigen::Index row_block = 16;
constexpr Eigen::Index row_pad = 8;

// Many small chunks (a few columns or row blocks each, about a millisecond of work for 2048
// points): a worker that the OS deschedules while it holds a chunk then delays the pass by
// that little; claiming a chunk costs one atomic increment.
std::size_t fine_chunks(std::size_t items) noexcept {
  return std::clamp<std::size_t>(items / 8, 1, 256);
}

std::string shape(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

result<void> check_length(const char* kernel, Eigen::Index n) {
  if (n <= 0)
    return make_error(errc::empty_input, std::string{kernel} + ": the input is empty");
  if (n > INT_MAX)
    return make_error(errc::invalid_argument, std::string{kernel} + ": length " +
                                                  std::to_string(n) +
                                                  " exceeds kissfft's limit of 2^31 - 1 per axis");
  return {};
}

// Transforms every row of `y` in place, in blocks of rows gathered into contiguous buffers.
auto rows_pass(const exec& ex, Eigen::MatrixXcd& y, bool inverse, const char* name) {
  auto blocks = static_cast<std::size_t>((y.rows() + row_block - 1) / row_block);
  return ex.for_each(
      0, blocks,
      [&y, inverse](std::size_t b, std::size_t e) {
        auto& engine = local_fft();
        auto cols = y.cols();
        thread_local std::vector<complex> in, out;
        auto stride = cols + row_pad;
        in.resize(static_cast<std::size_t>(row_block * stride));
        out.resize(static_cast<std::size_t>(cols));
        for (auto blk = b; blk < e; ++blk) {
          auto r0 = static_cast<Eigen::Index>(blk) * row_block;
          auto nr = std::min(row_block, y.rows() - r0);
          for (Eigen::Index j = 0; j < cols; ++j)
            for (Eigen::Index r = 0; r < nr; ++r)
              in[static_cast<std::size_t>(r * stride + j)] = y(r0 + r, j);
          for (Eigen::Index r = 0; r < nr; ++r) {
            auto* src = &in[static_cast<std::size_t>(r * stride)];
            if (inverse)
              backward(engine, out.data(), src, cols);
            else
              forward(engine, out.data(), src, cols);
            std::copy(out.begin(), out.end(), src);
          }
          for (Eigen::Index j = 0; j < cols; ++j)
            for (Eigen::Index r = 0; r < nr; ++r)
              y(r0 + r, j) = in[static_cast<std::size_t>(r * stride + j)];
        }
      },
      kernel_options{.name = name, .chunks = std::min<std::size_t>(blocks, 256)});
}

} // namespace

task<result<Eigen::VectorXcd>> fft(exec ex, const Eigen::VectorXcd& x, bool inverse) {
  const char* name = inverse ? "ifft" : "fft";
  if (auto ok = check_length(name, x.size()); !ok)
    co_return ok.error();
  Eigen::VectorXcd y(x.size());
  co_await ex.for_each(
      0, 1,
      [&](std::size_t) {
        if (inverse)
          backward(local_fft(), y.data(), x.data(), x.size());
        else
          forward(local_fft(), y.data(), x.data(), x.size());
      },
      kernel_options{.name = name});
  co_return y;
}

task<result<Eigen::VectorXcd>> rfft(exec ex, const Eigen::VectorXd& x) {
  if (auto ok = check_length("rfft", x.size()); !ok)
    co_return ok.error();
  Eigen::VectorXcd y(x.size() / 2 + 1);
  co_await ex.for_each(
      0, 1, [&](std::size_t) { forward(local_fft(), y.data(), x.data(), x.size()); },
      kernel_options{.name = "rfft"});
  co_return y;
}

task<result<Eigen::VectorXd>> irfft(exec ex, const Eigen::VectorXcd& x, Eigen::Index n) {
  if (auto ok = check_length("irfft", n); !ok)
    co_return ok.error();
  if (x.size() != n / 2 + 1)
    co_return make_error(errc::dimension_mismatch,
                         "irfft: a half spectrum of length " + std::to_string(n) + " has " +
                             std::to_string(n / 2 + 1) + " bins, got " + std::to_string(x.size()));
  Eigen::VectorXd y(n);
  co_await ex.for_each(
      0, 1, [&](std::size_t) { backward(local_fft(), y.data(), x.data(), n); },
      kernel_options{.name = "irfft"});
  co_return y;
}

task<result<Eigen::MatrixXcd>> fft2(exec ex, const Eigen::MatrixXcd& x, bool inverse) {
  const char* name = inverse ? "ifft2" : "fft2";
  if (auto ok = check_length(name, x.rows()); !ok || x.cols() == 0)
    co_return ok ? make_error(errc::empty_input,
                              std::string{name} + ": the input is " + shape(x.rows(), x.cols()))
                 : ok.error();
  if (auto ok = check_length(name, x.cols()); !ok)
    co_return ok.error();
  Eigen::MatrixXcd y(x.rows(), x.cols());
  auto rows = x.rows();
  co_await ex.for_each(
      0, static_cast<std::size_t>(x.cols()),
      [&](std::size_t b, std::size_t e) {
        auto& engine = local_fft();
        for (auto j = static_cast<Eigen::Index>(b); j < static_cast<Eigen::Index>(e); ++j) {
          if (inverse)
            backward(engine, &y(0, j), &x(0, j), rows);
          else
            forward(engine, &y(0, j), &x(0, j), rows);
        }
      },
      kernel_options{.name = name, .chunks = fine_chunks(static_cast<std::size_t>(x.cols()))});
  co_await rows_pass(ex, y, inverse, name);
  co_return y;
}

task<result<Eigen::MatrixXcd>> rfft2(exec ex, const Eigen::MatrixXd& x) {
  if (auto ok = check_length("rfft2", x.rows()); !ok || x.cols() == 0)
    co_return ok ? make_error(errc::empty_input, "rfft2: the input is " + shape(x.rows(), x.cols()))
                 : ok.error();
  if (auto ok = check_length("rfft2", x.cols()); !ok)
    co_return ok.error();
  auto rows = x.rows();
  Eigen::MatrixXcd y(rows / 2 + 1, x.cols());
  co_await ex.for_each(
      0, static_cast<std::size_t>(x.cols()),
      [&](std::size_t b, std::size_t e) {
        auto& engine = local_fft();
        for (auto j = static_cast<Eigen::Index>(b); j < static_cast<Eigen::Index>(e); ++j)
          forward(engine, &y(0, j), &x(0, j), rows);
      },
      kernel_options{.name = "rfft2", .chunks = fine_chunks(static_cast<std::size_t>(x.cols()))});
  co_await rows_pass(ex, y, false, "rfft2");
  co_return y;
}

task<result<Eigen::MatrixXd>> irfft2(exec ex, const Eigen::MatrixXcd& x, Eigen::Index rows) {
  if (auto ok = check_length("irfft2", rows); !ok)
    co_return ok.error();
  if (auto ok = check_length("irfft2", x.cols()); !ok)
    co_return ok.error();
  if (x.rows() != rows / 2 + 1)
    co_return make_error(errc::dimension_mismatch, "irfft2: a half spectrum of " +
                                                       std::to_string(rows) + " rows has " +
                                                       std::to_string(rows / 2 + 1) +
                                                       " rows, got " + std::to_string(x.rows()));
  Eigen::MatrixXcd z = x;
  co_await rows_pass(ex, z, true, "irfft2");
  Eigen::MatrixXd y(rows, x.cols());
  co_await ex.for_each(
      0, static_cast<std::size_t>(x.cols()),
      [&](std::size_t b, std::size_t e) {
        auto& engine = local_fft();
        for (auto j = static_cast<Eigen::Index>(b); j < static_cast<Eigen::Index>(e); ++j)
          backward(engine, &y(0, j), &z(0, j), rows);
      },
      kernel_options{.name = "irfft2", .chunks = fine_chunks(static_cast<std::size_t>(x.cols()))});
  co_return y;
}

} // namespace troupe::numerics::detail
