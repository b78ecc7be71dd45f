/// @file
/// `troupe::numerics::errc`: why a numerics kernel refused its input.
#pragma once

#include <string>
#include <system_error>

#include <troupe/errc.hpp>

namespace troupe::numerics {

/// Expected failures of numerics kernels; carried in a `troupe::error` whose message names the
/// input, the values seen and what to do.
enum class errc : int {
  /// Operand shapes do not fit together (e.g. `A.cols() != B.rows()`).
  dimension_mismatch = 1,
  /// An input holds no elements, or a tile has no interior cell.
  empty_input,
  /// An input of a solve holds NaN or infinity.
  non_finite,
  /// A matrix is singular to working precision (its reciprocal condition is too small).
  singular,
  /// A Cholesky solve was given a matrix that is not symmetric positive definite.
  not_positive_definite,
  /// An argument is out of its documented range (block size 0, an output aliasing an input).
  invalid_argument,
};

/// The `std::error_category` of `troupe::numerics::errc` (name "troupe.numerics").
const std::error_category& error_category() noexcept;

/// Makes a `std::error_code` from a `troupe::numerics::errc`.
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

/// Makes a `troupe::error` from a numerics code and a message naming the input.
inline troupe::error make_error(errc e, std::string message) {
  return troupe::error{make_error_code(e), std::move(message)};
}

/// Whether `x` holds the numerics code `y`.
inline bool operator==(const troupe::error& x, errc y) noexcept {
  return x.code() == make_error_code(y);
}

} // namespace troupe::numerics

template <>
struct std::is_error_code_enum<troupe::numerics::errc> : std::true_type {};
