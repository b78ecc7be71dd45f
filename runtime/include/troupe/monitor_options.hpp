/// @file
/// `troupe::monitor_options`: where a node's monitor endpoint listens and who may use it
/// (docs/MONITOR.md).
#pragma once

#include <optional>
#include <string>

#include <troupe/endpoint.hpp>

namespace troupe {

/// The monitor endpoint's settings: `--monitor HOST:PORT|off`, `--monitor-token-file FILE`,
/// `--monitor-allow-control`, `--monitor-timeout SECONDS`.
struct monitor_options {
  /// Where the endpoint listens (port 0 picks a free one); nothing means `--monitor off`.
  std::optional<endpoint> address = endpoint{"127.0.0.1", 0};
  /// A file readable only by its owner holding the bearer token (at least 128 bits: 32 hex
  /// digits or 22 base64 characters). Required for anything but a loopback address; when
  /// given, every request must carry `Authorization: Bearer TOKEN`.
  std::string token_file;
  /// Whether requests that change the node (POST, PUT, PATCH, DELETE) are served at all.
  bool allow_control = false;
  /// How long a connection may stay idle, or take to send one request, before it is closed.
  double timeout_s = 5.0;
  /// At most this many connections at once; more are closed as soon as they are accepted.
  std::size_t max_connections = 64;
};

} // namespace troupe
