// Formats a double matrix the way NumPy's print() does with its default options (precision 8,
// floatmode "maxprec", suppress=False): positional notation unless the non-zero magnitudes
// span more than 1e3 or reach below 1e-4 or above 1e8, then scientific; every column padded to
// a common width. Lines are not wrapped (NumPy wraps at 75 characters).
#pragma once

#include <string>

#include <Eigen/Core>

std::string numpy_format(const Eigen::MatrixXd& m);

/// A double as Python's repr() prints it: the shortest string that reads back the same.
std::string python_repr(double x);
