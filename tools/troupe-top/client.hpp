// A small HTTP/1.1 client for the monitor endpoint (Boost.Beast), with one deadline per request.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace troupe_top {

/// A monitor address: HOST and PORT as text, for messages and for the Host header.
struct endpoint {
  std::string host;
  std::string port;
  [[nodiscard]] std::string text() const {
    return host + ":" + port;
  }
  friend bool operator==(const endpoint&, const endpoint&) = default;
};

/// Reads `HOST:PORT` or `http://HOST:PORT[/]` (a member's `monitor` field); on failure, says why
/// in `why` (e.g. "no ':'") and returns nothing.
std::optional<endpoint> parse_endpoint(std::string_view text, std::string& why);

/// What came back: an HTTP status and body, or `failure` when no HTTP answer came.
struct reply {
  int status = 0;
  std::string body;
  /// Empty when an answer came; else why not ("connection refused", "no answer within 0.8 s").
  std::string failure;
  [[nodiscard]] bool answered() const noexcept {
    return failure.empty();
  }
};

/// Sends `GET target` (or `POST` when `post`) to `at` with the bearer `token` (none when empty)
/// and reads the whole response, all within `timeout`. Never throws.
reply fetch(const endpoint& at, std::string_view target, const std::string& token,
            std::chrono::milliseconds timeout, bool post = false);

} // namespace troupe_top
