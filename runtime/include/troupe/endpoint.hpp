/// @file
/// `troupe::endpoint`: a HOST:PORT pair as given to `--listen` and `--join`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <troupe/result.hpp>

namespace troupe {

/// A TCP endpoint.
struct endpoint {
  std::string host;
  std::uint16_t port = 0;

  /// "HOST:PORT".
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const endpoint&, const endpoint&) = default;
};

/// Parses "HOST:PORT" (HOST non-empty, PORT 0..65535); `flag` names the option in errors.
result<endpoint> parse_endpoint(std::string_view text, std::string_view flag);

} // namespace troupe
