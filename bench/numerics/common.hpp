/// @file
/// Inputs shared by the numerics benchmarks, so that troupe and its peers work on the same data.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "common/bench.hpp"

namespace bench::numerics {

/// Option names every numerics benchmark program accepts.
inline const std::vector<std::string_view> option_names = {"bench",   "n",      "runs",
                                                           "threads", "sweeps", "chunks"};

/// A deterministic, non-trivial matrix (no special structure an implementation could exploit).
inline Eigen::MatrixXd matrix(Eigen::Index rows, Eigen::Index cols, double phase) {
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      m(i, j) = std::sin(phase + 0.001 * static_cast<double>(i) + 0.0007 * static_cast<double>(j));
  return m;
}

/// The stencil benchmark's field: a smooth bump with a zero halo.
inline Eigen::ArrayXXd field(Eigen::Index n) {
  Eigen::ArrayXXd u = Eigen::ArrayXXd::Zero(n, n);
  for (Eigen::Index j = 1; j < n - 1; ++j)
    for (Eigen::Index i = 1; i < n - 1; ++i)
      u(i, j) = std::sin(3.0 * static_cast<double>(i) / static_cast<double>(n)) *
                std::cos(2.0 * static_cast<double>(j) / static_cast<double>(n));
  return u;
}

/// The 5-point diffusion weights used by every stencil implementation.
constexpr double stencil_alpha = 0.2;

/// 2n³ flops per n×n GEMM.
inline double gemm_flops(Eigen::Index n) {
  auto x = static_cast<double>(n);
  return 2 * x * x * x;
}

/// The bench name of a GEMM of size n (gemm_1024, gemm_2048).
inline std::string gemm_name(Eigen::Index n) {
  return "gemm_" + std::to_string(n);
}

} // namespace bench::numerics
