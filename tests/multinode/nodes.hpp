// Helpers for tests that start troupe nodes as processes on 127.0.0.1.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <cerrno>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <support/process.hpp>

#include <catch2/catch.hpp>

namespace troupe::test {

using namespace std::chrono_literals;

/// How long a node may take to print its first line or to finish a short job. Generous: the
/// machines are shared and slow under load; a healthy run takes milliseconds.
inline constexpr std::chrono::milliseconds start_timeout = 20s;
inline constexpr std::chrono::milliseconds finish_timeout = 60s;

/// Reads `p`'s stdout until a line that starts with `prefix`, at most `timeout` in all; returns
/// the rest of that line. Throws naming `what` when none comes.
inline std::string await_line(process& p, const std::string& prefix,
                              std::chrono::milliseconds timeout, std::string_view what) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto line = p.read_line(std::max(left, std::chrono::milliseconds{1}), what);
    if (line.rfind(prefix, 0) == 0)
      return line.substr(prefix.size());
  }
}

/// The port of a node's `monitor on http://127.0.0.1:PORT` stderr line.
inline int monitor_port(process& p) {
  auto line = p.read_err_line(start_timeout, "the 'monitor on http://HOST:PORT' line");
  const std::string prefix = "monitor on http://127.0.0.1:";
  INFO("stderr line of " << p.describe() << ": " << line);
  REQUIRE(line.rfind(prefix, 0) == 0);
  return std::stoi(line.substr(prefix.size()));
}

/// A node started with `--listen 127.0.0.1:0` and the port it reported as its first line.
struct listener {
  listener(const std::string& exe, std::vector<std::string> extra = {})
    : proc(exe, with_listen(std::move(extra))) {
    auto line = proc.read_line(start_timeout, "the 'listening on 127.0.0.1:PORT' line");
    const std::string prefix = "listening on 127.0.0.1:";
    INFO("first line of " << proc.describe() << ": " << line);
    REQUIRE(line.rfind(prefix, 0) == 0);
    port = std::stoi(line.substr(prefix.size()));
    REQUIRE(port > 0);
    REQUIRE(port < 65536);
  }

  [[nodiscard]] std::string address() const {
    return "127.0.0.1:" + std::to_string(port);
  }

  process proc;
  int port = 0;

private:
  static std::vector<std::string> with_listen(std::vector<std::string> extra) {
    extra.insert(extra.begin(), {"--listen", "127.0.0.1:0"});
    return extra;
  }
};

/// A TCP port on 127.0.0.1 held by the test: bound only (connections are refused), listening
/// without ever accepting (connections open, but nobody speaks), or listening with its accept
/// queue full (a connect() gets no answer: the kernel drops its SYNs and retries for minutes).
class held_port {
public:
  enum mode { refuse, accept_silently, full_queue };

  explicit held_port(mode m) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
    // A full accept queue makes a client's connect() block until the kernel gives up (minutes),
    // beyond any join timeout: take as many connections as the system allows.
    if (m == accept_silently)
      REQUIRE(::listen(fd_, SOMAXCONN) == 0);
    if (m == full_queue)
      fill_queue(addr);
  }

  held_port(const held_port&) = delete;
  held_port& operator=(const held_port&) = delete;

  ~held_port() {
    for (int fd : fillers_)
      ::close(fd);
    ::close(fd_);
  }

  [[nodiscard]] std::string address() const {
    return "127.0.0.1:" + std::to_string(port);
  }

  int port = 0;

private:
  // Connects (without blocking) until a connection stays pending: the queue is full then.
  void fill_queue(sockaddr_in addr) {
    REQUIRE(::listen(fd_, 0) == 0);
    for (int i = 0; i < 64; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      REQUIRE(fd >= 0);
      fillers_.push_back(fd);
      if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        REQUIRE(errno == EINPROGRESS);
        return;
      }
    }
    FAIL("64 connections to a listener with an accept queue of 0 all opened");
  }

  int fd_ = -1;
  std::vector<int> fillers_;
};

/// The lines of `text`, without their newlines.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::string::size_type pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos)
      nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

/// The value of the line "key: value" in `text`; empty when there is none.
inline std::string value_of(const std::string& text, const std::string& key) {
  for (auto& line : lines_of(text))
    if (line.rfind(key + ": ", 0) == 0)
      return line.substr(key.size() + 2);
  return {};
}

} // namespace troupe::test
