#include <troupe/numerics/gemm.hpp>

#include <algorithm>
#include <string>

namespace troupe::numerics::detail {

namespace {

std::string shape(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

bool overlaps(const double* p, std::size_t n, const double* q, std::size_t m) noexcept {
  if (n == 0 || m == 0)
    return false;
  return p < q + m && q < p + n;
}

std::size_t extent(const matrix_view& m) noexcept {
  return m.size() == 0 ? 0 : static_cast<std::size_t>(m.outerStride() * (m.cols() - 1) + m.rows());
}

// The split depends on the shape only, never on the thread count: Eigen picks its cache
// blocking (and so the order of the sums) from each block's shape, so a split that followed
// the worker count would change the last bits. Each block packs all of the other operand
// again (Eigen's OpenMP GEMM shares that packing between threads, our blocks cannot), so the
// blocks are wide: 512 columns keep the extra packing to a few percent of the multiply.
constexpr Eigen::Index gemm_block = 512;
constexpr std::size_t gemm_max_chunks = 64;
constexpr Eigen::Index gemv_block = 512;
constexpr std::size_t gemv_max_chunks = 64;

std::size_t fixed_chunks(Eigen::Index split, Eigen::Index block, std::size_t most,
                         std::size_t requested) {
  if (requested != 0)
    return std::clamp<std::size_t>(requested, 1, static_cast<std::size_t>(split));
  return std::clamp<std::size_t>(static_cast<std::size_t>(split / block), 1, most);
}

} // namespace

task<result<void>> gemm(exec ex, matrix_view a, matrix_view b, Eigen::MatrixXd& c,
                        gemm_options opts) {
  if (a.cols() != b.rows())
    co_return make_error(errc::dimension_mismatch, "gemm: A is " + shape(a.rows(), a.cols()) +
                                                       " and B is " + shape(b.rows(), b.cols()) +
                                                       "; A.cols() must equal B.rows()");
  if (a.size() == 0 || b.size() == 0)
    co_return make_error(errc::empty_input, "gemm: A is " + shape(a.rows(), a.cols()) +
                                                " and B is " + shape(b.rows(), b.cols()) +
                                                "; both need at least one element");
  auto m = a.rows();
  auto n = b.cols();
  if (opts.beta != 0 && (c.rows() != m || c.cols() != n))
    co_return make_error(errc::dimension_mismatch,
                         "gemm: C is " + shape(c.rows(), c.cols()) + " but A·B is " + shape(m, n) +
                             "; with beta != 0, C must have the product's shape");
  auto c_size = static_cast<std::size_t>(c.size());
  if (overlaps(c.data(), c_size, a.data(), extent(a)) ||
      overlaps(c.data(), c_size, b.data(), extent(b)))
    co_return make_error(errc::invalid_argument,
                         "gemm: C shares memory with A or B; write the product to another matrix");
  if (opts.beta == 0)
    c.resize(m, n);
  auto by_cols = n >= m;
  auto split = by_cols ? n : m;
  auto chunks = fixed_chunks(split, gemm_block, gemm_max_chunks, opts.chunks);
  auto alpha = opts.alpha;
  auto beta = opts.beta;
  co_await ex.for_chunks(
      static_cast<std::size_t>(split), chunks,
      [&](std::size_t, std::size_t begin, std::size_t end) {
        auto first = static_cast<Eigen::Index>(begin);
        auto count = static_cast<Eigen::Index>(end - begin);
        if (by_cols) {
          auto block = c.middleCols(first, count);
          if (beta == 0)
            block.noalias() = alpha * a * b.middleCols(first, count);
          else {
            block *= beta;
            block.noalias() += alpha * a * b.middleCols(first, count);
          }
        } else {
          auto block = c.middleRows(first, count);
          if (beta == 0)
            block.noalias() = alpha * a.middleRows(first, count) * b;
          else {
            block *= beta;
            block.noalias() += alpha * a.middleRows(first, count) * b;
          }
        }
      },
      "gemm");
  co_return result<void>{};
}

task<result<void>> gemv(exec ex, matrix_view a, vector_view x, Eigen::VectorXd& y,
                        gemm_options opts) {
  if (a.cols() != x.size())
    co_return make_error(errc::dimension_mismatch, "gemv: A is " + shape(a.rows(), a.cols()) +
                                                       " and x has " + std::to_string(x.size()) +
                                                       " elements; A.cols() must equal x.size()");
  if (a.size() == 0)
    co_return make_error(errc::empty_input, "gemv: A is " + shape(a.rows(), a.cols()) +
                                                "; it needs at least one element");
  if (opts.beta != 0 && y.size() != a.rows())
    co_return make_error(errc::dimension_mismatch,
                         "gemv: y has " + std::to_string(y.size()) + " elements but A has " +
                             std::to_string(a.rows()) + " rows; with beta != 0 they must agree");
  if (overlaps(y.data(), static_cast<std::size_t>(y.size()), a.data(), extent(a)) ||
      overlaps(y.data(), static_cast<std::size_t>(y.size()), x.data(),
               static_cast<std::size_t>(x.size())))
    co_return make_error(errc::invalid_argument,
                         "gemv: y shares memory with A or x; write the product to another vector");
  if (opts.beta == 0)
    y.resize(a.rows());
  auto rows = a.rows();
  auto chunks = fixed_chunks(rows, gemv_block, gemv_max_chunks, opts.chunks);
  auto alpha = opts.alpha;
  auto beta = opts.beta;
  co_await ex.for_chunks(
      static_cast<std::size_t>(rows), chunks,
      [&](std::size_t, std::size_t begin, std::size_t end) {
        auto first = static_cast<Eigen::Index>(begin);
        auto count = static_cast<Eigen::Index>(end - begin);
        auto part = y.segment(first, count);
        if (beta == 0)
          part.noalias() = alpha * a.middleRows(first, count) * x;
        else {
          part *= beta;
          part.noalias() += alpha * a.middleRows(first, count) * x;
        }
      },
      "gemv");
  co_return result<void>{};
}

} // namespace troupe::numerics::detail
