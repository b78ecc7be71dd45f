/// @file
/// `troupe::test::http_client`: raw HTTP over TCP for tests of the monitor endpoint, so that
/// tests send exactly the bytes they mean (malformed ones too) and see exactly what comes back.
///
/// ```cpp
/// troupe::test::http_client c{port};
/// c.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n");
/// auto r = c.response(5s);   // r.status == 200, r.body == R"({"status":"ok"})"
/// ```
/// Every read has a deadline and throws naming what it waited for.
#pragma once

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace troupe::test {

/// One HTTP response as read from the socket.
struct http_response {
  int status = 0;
  std::string headers;
  std::string body;
};

/// A TCP connection to 127.0.0.1:`port`.
class http_client {
public:
  using clock = std::chrono::steady_clock;

  explicit http_client(int port)
    : port_(port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " +
                               std::strerror(errno));
  }

  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  ~http_client() {
    if (fd_ >= 0)
      ::close(fd_);
  }

  /// Sends `bytes`; false when the peer closed the connection already.
  bool send(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      auto n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0)
        return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  /// "GET PATH HTTP/1.1" with a valid Host and the given extra header lines.
  bool get(const std::string& path, const std::string& extra = {}) {
    return send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n" +
                extra + "\r\n");
  }

  /// Sends `POST path` with `body` (JSON) and a Content-Length.
  bool post(const std::string& path, const std::string& body) {
    return send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                "\r\nContent-Type: application/json\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
  }

  /// The next response (headers and a Content-Length body); throws when none comes in time.
  http_response response(std::chrono::milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill(deadline))
        throw std::runtime_error("no HTTP response header within the deadline; got '" + buf_ + "'");
    http_response r;
    r.headers = buf_.substr(0, end + 2);
    r.status = std::stoi(r.headers.substr(r.headers.find(' ') + 1, 3));
    std::size_t length = 0;
    if (auto at = lower(r.headers).find("content-length:"); at != std::string::npos) {
      length = std::stoul(r.headers.substr(at + 15));
    } else {
      // No length (other servers than troupe's): the body ends with the connection.
      while (fill(deadline)) {
      }
      if (!eof_)
        throw std::runtime_error("HTTP response without a length did not end in time");
      length = buf_.size() - end - 4;
    }
    while (buf_.size() < end + 4 + length)
      if (!fill(deadline))
        throw std::runtime_error("HTTP response body cut short: '" + buf_ + "'");
    r.body = buf_.substr(end + 4, length);
    buf_.erase(0, end + 4 + length);
    return r;
  }

  /// Whether the peer closes the connection within `timeout` (reading and dropping any bytes).
  bool closed_within(std::chrono::milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    for (;;) {
      auto before = buf_.size();
      if (!fill(deadline))
        return eof_;
      if (buf_.size() == before)
        return true;
    }
  }

private:
  static std::string lower(std::string s) {
    for (auto& c : s)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  // Reads what is there; false at the deadline or at the end of the stream.
  bool fill(clock::time_point deadline) {
    if (eof_)
      return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (left.count() <= 0)
      return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      return false;
    char chunk[4096];
    auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      eof_ = true;
      return true;
    }
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int port_;
  int fd_ = -1;
  std::string buf_;
  bool eof_ = false;
};

} // namespace troupe::test
