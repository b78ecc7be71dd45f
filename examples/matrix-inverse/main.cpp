// matrix-inverse: inverts A = [[1,2,4],[2,5,3],[7,8,9]] with troupe::numerics and prints A⁻¹,
// A·A⁻¹ and the largest deviation of A·A⁻¹ from the identity, formatted as NumPy prints them.
#include <iostream>

#include <Eigen/Core>

#include <troupe/numerics/gemm.hpp>
#include <troupe/numerics/solve.hpp>
#include <troupe/troupe.hpp>

#include "numpy_format.hpp"

int main(int argc, char** argv) {
  troupe::node_config cfg{"matrix-inverse",
                          "Inverts A = [[1,2,4],[2,5,3],[7,8,9]] and checks A·A⁻¹ against the "
                          "identity, printed as NumPy would."};
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    Eigen::MatrixXd a(3, 3);
    a << 1, 2, 4, 2, 5, 3, 7, 8, 9;
    auto inv = troupe::numerics::inverse(n, a).value();
    Eigen::MatrixXd product;
    troupe::numerics::gemm(n, a, inv, product).value();
    auto deviation = (product - Eigen::MatrixXd::Identity(3, 3)).cwiseAbs().maxCoeff();
    std::cout << "A =\n"
              << numpy_format(a) << "\n"
              << "inv(A) =\n"
              << numpy_format(inv) << "\n"
              << "A @ inv(A) =\n"
              << numpy_format(product) << "\n"
              << "max |A @ inv(A) - I| = " << python_repr(deviation) << "\n";
    return 0;
  });
}
