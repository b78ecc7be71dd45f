// The monitor's HTTP server: Boost.Beast on one thread of its own, never on the pool's workers,
// so that a node whose workers all run kernels still answers. Each connection reads one request
// at a time with the endpoint's limits and a deadline (idle and slow senders are cut off), and
// the number of connections is bounded.
#include <atomic>
#include <chrono>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "../internal/monitor.hpp"

namespace troupe::detail::monitor {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct server::impl {
  // Declared before `io`, whose destruction ends the sessions still pending: they count down.
  std::size_t connections = 0; // only touched on the server's thread
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer sampler{io};
  std::unique_ptr<source> src;
  settings sec;
  std::chrono::milliseconds timeout{5000};
  std::size_t max_connections = 64;
  endpoint bound;
  std::thread thread;

  void accept();
  void sample();
};

namespace {

class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, server::impl& srv)
    : stream_(std::move(socket))
    , srv_(srv) {
    ++srv_.connections;
    boost::system::error_code ec;
    auto local = stream_.socket().local_endpoint(ec);
    if (!ec)
      conn_.local_address = local.address().to_string();
  }

  ~session() {
    --srv_.connections;
  }

  session(const session&) = delete;
  session& operator=(const session&) = delete;

  void read() {
    parser_.emplace();
    parser_->header_limit(header_limit);
    parser_->body_limit(body_limit);
    // The whole request must arrive within the timeout: a client that sends a byte now and
    // then (slowloris) is cut off as an idle one is.
    stream_.expires_after(srv_.timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset)
      return close();
    if (ec) {
      auto status = ec == http::error::header_limit ? 431U
                    : ec == http::error::body_limit ? 413U
                                                    : 400U;
      return write(error_response(status, "malformed request: " + ec.message()), false);
    }
    auto& req = parser_->get();
    write(handle(req, conn_, srv_.sec, *srv_.src), req.keep_alive());
  }

  void write(response res, bool keep_alive) {
    res.keep_alive(keep_alive);
    res_ = std::move(res);
    stream_.expires_after(srv_.timeout);
    http::async_write(stream_, res_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                        if (ec || !keep_alive)
                          return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  server::impl& srv_;
  connection conn_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  response res_;
};

} // namespace

void server::impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open())
      return;
    if (!ec) {
      if (connections >= max_connections) {
        beast::error_code ignored;
        socket.close(ignored); // over the bound: refused at once rather than queued
      } else {
        std::make_shared<session>(std::move(socket), *this)->read();
      }
    }
    accept();
  });
}

void server::impl::sample() {
  src->sample();
  sampler.expires_after(std::chrono::seconds{1});
  sampler.async_wait([this](beast::error_code ec) {
    if (!ec)
      sample();
  });
}

server::server(std::unique_ptr<impl> p)
  : impl_(std::move(p)) {
}

server::~server() {
  stop();
}

endpoint server::address() const {
  return impl_->bound;
}

result<std::unique_ptr<server>> server::start(const monitor_options& opts,
                                              std::optional<std::string> token,
                                              std::unique_ptr<source> src) {
  auto p = std::make_unique<impl>();
  p->src = std::move(src);
  p->sec.token = std::move(token);
  p->sec.allow_control = opts.allow_control;
  p->timeout = std::chrono::milliseconds{static_cast<long>(opts.timeout_s * 1000)};
  p->max_connections = opts.max_connections;
  auto host = opts.address->host == "localhost" ? std::string{"127.0.0.1"} : opts.address->host;
  auto fail = [&](const std::string& why) {
    return error{errc::port_unavailable, "--monitor " + opts.address->to_string() +
                                             ": cannot listen there (" + why +
                                             "); pick a free port, or 0 for any, or --monitor off"};
  };
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec)
    return fail(ec.message());
  tcp::endpoint ep{addr, opts.address->port};
  p->acceptor.open(ep.protocol(), ec);
  if (!ec)
    p->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    p->acceptor.bind(ep, ec);
  if (!ec)
    p->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return fail(ec.message());
  auto local = p->acceptor.local_endpoint();
  p->bound = endpoint{opts.address->host, local.port()};
  p->sec.bound_host = addr.to_string();
  p->sec.port = local.port();
  p->accept();
  p->sample();
  auto& io = p->io;
  p->thread = std::thread{[&io] { io.run(); }};
  return std::unique_ptr<server>{new server{std::move(p)}};
}

void server::stop() {
  if (!impl_ || !impl_->thread.joinable())
    return;
  asio::post(impl_->io, [p = impl_.get()] {
    beast::error_code ignored;
    p->acceptor.close(ignored);
    p->sampler.cancel();
    p->io.stop();
  });
  impl_->thread.join();
}

} // namespace troupe::detail::monitor
