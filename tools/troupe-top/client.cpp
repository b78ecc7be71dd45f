// Each request runs on an io_context of its own, so a member that never answers costs its
// caller one deadline and nothing else; the gatherer runs requests to members side by side.
#include "client.hpp"

#include <charconv>
#include <cstdio>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace troupe_top {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::optional<endpoint> parse_endpoint(std::string_view text, std::string& why) {
  if (text.starts_with("http://"))
    text.remove_prefix(7);
  while (text.ends_with('/'))
    text.remove_suffix(1);
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    why = "no ':'";
    return std::nullopt;
  }
  auto host = text.substr(0, colon);
  auto port = text.substr(colon + 1);
  if (host.starts_with('[') && host.ends_with(']'))
    host = host.substr(1, host.size() - 2);
  if (host.empty()) {
    why = "no host before ':'";
    return std::nullopt;
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 ||
      value > 65535) {
    why = "the port must be a number in 1..65535";
    return std::nullopt;
  }
  return endpoint{std::string{host}, std::string{port}};
}

namespace {

std::string seconds_text(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

std::string describe(const beast::error_code& ec, std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout)
    return "no answer within " + seconds_text(timeout);
  if (ec == asio::error::connection_refused)
    return "connection refused";
  return ec.message();
}

} // namespace

reply fetch(const endpoint& at, std::string_view target, const std::string& token,
            std::chrono::milliseconds timeout, bool post) {
  reply out;
  try {
    asio::io_context io;
    tcp::resolver resolver{io};
    beast::tcp_stream stream{io};
    http::request<http::string_body> req{post ? http::verb::post : http::verb::get,
                                         std::string{target}, 11};
    req.set(http::field::host,
            at.host.find(':') != std::string::npos ? "[" + at.host + "]:" + at.port : at.text());
    req.set(http::field::user_agent, "troupe-top");
    if (!token.empty())
      req.set(http::field::authorization, "Bearer " + token);
    req.prepare_payload();
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    auto fail = [&](const beast::error_code& ec) { out.failure = describe(ec, timeout); };
    // The deadline covers the name lookup too: asio's resolver has no timeout of its own.
    asio::steady_timer resolve_deadline{io, timeout};
    resolve_deadline.async_wait([&](const beast::error_code& ec) {
      if (!ec)
        resolver.cancel();
    });
    resolver.async_resolve(
        at.host, at.port, [&](beast::error_code ec, tcp::resolver::results_type r) {
          resolve_deadline.cancel();
          if (ec) {
            out.failure = ec == asio::error::operation_aborted
                              ? "no answer within " + seconds_text(timeout) + " (name lookup)"
                              : "cannot resolve '" + at.host + "': " + ec.message();
            return;
          }
          stream.expires_after(timeout);
          stream.async_connect(r, [&](beast::error_code ec, const tcp::endpoint&) {
            if (ec)
              return fail(ec);
            http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
              if (ec)
                return fail(ec);
              http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
                if (ec)
                  return fail(ec);
                out.status = static_cast<int>(parser.get().result_int());
                out.body = std::move(parser.get().body());
                beast::error_code ignored;
                stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
              });
            });
          });
        });
    io.run();
  } catch (const std::exception& e) {
    out.failure = e.what();
  }
  if (out.failure.empty() && out.status == 0)
    out.failure = "no answer";
  return out;
}

} // namespace troupe_top
