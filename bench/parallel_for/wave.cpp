// The parallel_for kernel's element function, compiled once for every peer (see kernel.hpp).
#include <cmath>

#include "parallel_for/kernel.hpp"

namespace bench::pf {

double wave(double x) noexcept {
  return std::exp(-0.5 * x * x) * std::sin(3.0 * x) + 0.1 * std::log1p(x * x);
}

} // namespace bench::pf
