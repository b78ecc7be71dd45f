// How the test nodes print an error, for the tests to compare.
#pragma once

#include <string>

#include <troupe/errc.hpp>

namespace troupe::test {

/// "name: message" for troupe's codes, "category value: message" for others.
inline std::string describe(const troupe::error& e) {
  auto& category = e.code().category();
  auto code = category == troupe::error_category()
                  ? std::string{troupe::to_string(static_cast<troupe::errc>(e.code().value()))}
                  : std::string{category.name()} + " " + std::to_string(e.code().value());
  return code + ": " + e.message();
}

} // namespace troupe::test
