#include <troupe/numerics/stencil.hpp>

#include <string>

namespace troupe::numerics::detail {

namespace {

std::string shape(const Eigen::ArrayXXd& a) {
  return std::to_string(a.rows()) + "x" + std::to_string(a.cols());
}

result<void> prepare(const char* kernel, const Eigen::ArrayXXd& in, Eigen::ArrayXXd& out) {
  if (&in == &out)
    return make_error(errc::invalid_argument, std::string{kernel} +
                                                  ": out is the same array as in; sweep into a "
                                                  "second array and swap");
  if (in.rows() < 3 || in.cols() < 3)
    return make_error(errc::empty_input, std::string{kernel} + ": the tile is " + shape(in) +
                                             ", which has no interior cell inside its halo of "
                                             "width 1; pass at least 3x3");
  if (out.size() == 0) {
    out.resize(in.rows(), in.cols());
    out.row(0) = in.row(0);
    out.row(in.rows() - 1) = in.row(in.rows() - 1);
    out.col(0) = in.col(0);
    out.col(in.cols() - 1) = in.col(in.cols() - 1);
  } else if (out.rows() != in.rows() || out.cols() != in.cols()) {
    return make_error(errc::dimension_mismatch, std::string{kernel} + ": in is " + shape(in) +
                                                    " but out is " + shape(out) +
                                                    "; pass an out of the same shape (or empty)");
  }
  return {};
}

// The loops are written so that g++ vectorizes the inner one (contiguous in i).
void sweep5(const Eigen::ArrayXXd& in, Eigen::ArrayXXd& out, stencil5_weights w, Eigen::Index j0,
            Eigen::Index j1) noexcept {
  auto rows = in.rows();
  for (auto j = j0; j < j1; ++j) {
    const double* __restrict west = &in(0, j - 1);
    const double* __restrict mid = &in(0, j);
    const double* __restrict east = &in(0, j + 1);
    double* __restrict o = &out(0, j);
    for (Eigen::Index i = 1; i < rows - 1; ++i)
      o[i] = w.center * mid[i] + w.di * (mid[i - 1] + mid[i + 1]) + w.dj * (west[i] + east[i]);
  }
}

void sweep9(const Eigen::ArrayXXd& in, Eigen::ArrayXXd& out, stencil9_weights w, Eigen::Index j0,
            Eigen::Index j1) noexcept {
  auto rows = in.rows();
  for (auto j = j0; j < j1; ++j) {
    const double* __restrict west = &in(0, j - 1);
    const double* __restrict mid = &in(0, j);
    const double* __restrict east = &in(0, j + 1);
    double* __restrict o = &out(0, j);
    for (Eigen::Index i = 1; i < rows - 1; ++i)
      o[i] = w.center * mid[i] + w.di * (mid[i - 1] + mid[i + 1]) + w.dj * (west[i] + east[i]) +
             w.diag * (west[i - 1] + west[i + 1] + east[i - 1] + east[i + 1]);
  }
}

template <class Sweep>
auto interior_columns(const exec& ex, const char* name, const Eigen::ArrayXXd& in, Sweep sweep) {
  auto cols = static_cast<std::size_t>(in.cols() - 2);
  return ex.for_each(
      0, cols,
      [sweep](std::size_t b, std::size_t e) {
        sweep(static_cast<Eigen::Index>(b) + 1, static_cast<Eigen::Index>(e) + 1);
      },
      kernel_options{.name = name});
}

} // namespace

task<result<void>> stencil5(exec ex, const Eigen::ArrayXXd& in, Eigen::ArrayXXd& out,
                            stencil5_weights w) {
  if (auto ok = prepare("stencil5", in, out); !ok)
    co_return ok;
  co_await interior_columns(ex, "stencil5", in, [&in, &out, w](Eigen::Index j0, Eigen::Index j1) {
    sweep5(in, out, w, j0, j1);
  });
  co_return result<void>{};
}

task<result<void>> stencil9(exec ex, const Eigen::ArrayXXd& in, Eigen::ArrayXXd& out,
                            stencil9_weights w) {
  if (auto ok = prepare("stencil9", in, out); !ok)
    co_return ok;
  co_await interior_columns(ex, "stencil9", in, [&in, &out, w](Eigen::Index j0, Eigen::Index j1) {
    sweep9(in, out, w, j0, j1);
  });
  co_return result<void>{};
}

} // namespace troupe::numerics::detail
