#include <troupe/numerics/solve.hpp>

#include <algorithm>

namespace troupe::numerics::detail {

task<result<Eigen::MatrixXd>> inverse(exec ex, const Eigen::MatrixXd& a, solve_options opts) {
  if (a.size() == 0)
    co_return make_error(errc::empty_input, "inverse: the matrix is empty");
  if (a.rows() != a.cols())
    co_return make_error(errc::dimension_mismatch,
                         "inverse: the matrix is " + std::to_string(a.rows()) + "x" +
                             std::to_string(a.cols()) + "; only square matrices have inverses");
  if (!a.allFinite())
    co_return make_error(errc::non_finite, "inverse: the matrix holds NaN or infinity");
  Eigen::PartialPivLU<Eigen::MatrixXd> lu(a);
  auto rc = lu.rcond();
  if (!(rc > opts.min_rcond))
    co_return make_error(errc::singular, "inverse: the matrix is singular: reciprocal "
                                         "condition estimate " +
                                             number_text(rc) +
                                             " <= " + number_text(opts.min_rcond));
  auto n = a.rows();
  Eigen::MatrixXd inv(n, n);
  // Blocks of 128 columns of the identity, solved independently: the count follows n only.
  auto chunks = std::clamp<std::size_t>(static_cast<std::size_t>(n / 128), 1, 64);
  co_await ex.for_chunks(
      static_cast<std::size_t>(n), chunks,
      [&](std::size_t, std::size_t begin, std::size_t end) {
        auto first = static_cast<Eigen::Index>(begin);
        auto count = static_cast<Eigen::Index>(end - begin);
        inv.middleCols(first, count) =
            lu.solve(Eigen::MatrixXd::Identity(n, n).middleCols(first, count));
      },
      "inverse");
  co_return inv;
}

} // namespace troupe::numerics::detail
