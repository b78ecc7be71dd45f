/// @file
/// Reduction operations for collectives, and the serial evaluation of their fixed tree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <troupe/actors/block.hpp>

namespace troupe::actors {

namespace detail {

template <class F>
block elementwise(const char* name, const block& a, const block& b, F f) {
  if (a.size() != b.size())
    throw std::invalid_argument(std::string{name} + " of blocks of different sizes (" +
                                std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                                "): every member must contribute a block of the same size");
  block out{std::vector<double>(a.size())};
  for (std::size_t i = 0; i < a.size(); ++i)
    out[i] = f(a[i], b[i]);
  return out;
}

} // namespace detail

/// `a + b`; element-wise for blocks (of equal sizes, else `std::invalid_argument`).
struct sum {
  double operator()(double a, double b) const noexcept {
    return a + b;
  }
  std::int64_t operator()(std::int64_t a, std::int64_t b) const noexcept {
    return a + b;
  }
  block operator()(const block& a, const block& b) const {
    return detail::elementwise("sum", a, b, [](double x, double y) { return x + y; });
  }
};

/// The smaller of `a` and `b` (`a` when equal); element-wise for blocks.
struct min {
  template <class T>
  T operator()(const T& a, const T& b) const {
    if constexpr (std::is_same_v<T, block>)
      return detail::elementwise("min", a, b, min{});
    else
      return b < a ? b : a;
  }
};

/// The larger of `a` and `b` (`a` when equal); element-wise for blocks.
struct max {
  template <class T>
  T operator()(const T& a, const T& b) const {
    if constexpr (std::is_same_v<T, block>)
      return detail::elementwise("max", a, b, max{});
    else
      return a < b ? b : a;
  }
};

/// Combines `values` (one per rank, in rank order) with `op` exactly as `reduce` and
/// `allreduce` do over a group of `values.size()` members, and so gives the same bits: in
/// rounds k = 0, 1, ..., rank r (a multiple of 2^(k+1)) takes `op(own, partial of r + 2^k)`.
/// Every operand covers a run of ranks and the left one the lower ranks, so `op` need not be
/// commutative; it need not be associative either, the tree being fixed by the group's size.
///
/// ```cpp
/// std::vector<double> xs{1e16, 1.0, -1e16, 1.0};
/// double r = troupe::actors::tree_order_reduce(xs, troupe::actors::sum{}); // (1e16+1)+(-1e16+1)
/// ```
template <class T, class Op>
T tree_order_reduce(std::vector<T> values, Op op) {
  if (values.empty())
    throw std::invalid_argument("tree_order_reduce of no values");
  auto n = values.size();
  for (std::size_t mask = 1; mask < n; mask <<= 1)
    for (std::size_t r = 0; r + mask < n; r += 2 * mask)
      values[r] = op(values[r], values[r + mask]);
  return std::move(values[0]);
}

} // namespace troupe::actors
