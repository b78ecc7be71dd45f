// The monitor's router: the security checks in order, then the routes; and `serve_bytes`, the
// same request parsing the server does, for tests and the fuzz target.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>

#include "../internal/monitor.hpp"

namespace troupe::detail::monitor {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view json_type = "application/json";

response text_response(unsigned status, std::string body, std::string_view type) {
  response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

bool asks_openmetrics(std::string_view accept) {
  return accept.find("application/openmetrics-text") != std::string_view::npos;
}

std::string_view bearer(std::string_view authorization) {
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() < scheme.size())
    return {};
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(scheme[i])))
      return {};
  return authorization.substr(scheme.size());
}

bool changes_state(http::verb v) {
  return v == http::verb::post || v == http::verb::put || v == http::verb::patch ||
         v == http::verb::delete_;
}

// The routes, once the request may be answered.
response route(const request& req, source& src) {
  auto target = std::string_view{req.target().data(), req.target().size()};
  auto q = target.find('?');
  auto path = target.substr(0, q);
  auto query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  constexpr std::string_view actor_prefix = "/api/v1/actors/";
  constexpr std::string_view steer_prefix = "/api/v1/sim/";
  if (path == "/api/v1/sim/pause" || path == "/api/v1/sim/resume" || path == "/api/v1/sim/stop" ||
      path == "/api/v1/sim/params") {
    if (req.method() != http::verb::post) {
      auto res = error_response(405, std::string{path} + " answers POST only");
      res.set(http::field::allow, "POST");
      return res;
    }
    return steer_response(src, path.substr(steer_prefix.size()), req.body());
  }
  bool known = path == "/healthz" || path == "/metrics" || path == "/api/v1/node" ||
               path == "/api/v1/actors" || path == "/api/v1/cluster" || path == "/api/v1/sim" ||
               path == "/api/v1/awaits" ||
               (path.starts_with(actor_prefix) && path.size() > actor_prefix.size());
  if (!known)
    return error_response(404, "no route " + std::string{path} +
                                   "; see /api/v1/node, /api/v1/actors, /api/v1/cluster, "
                                   "/api/v1/sim, /api/v1/awaits, /metrics, /healthz");
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = error_response(405, std::string{path} + " answers GET only");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  if (path == "/healthz")
    return text_response(200, R"({"status":"ok"})", json_type);
  if (path == "/metrics") {
    auto accept = req[http::field::accept];
    bool om = asks_openmetrics({accept.data(), accept.size()});
    return text_response(200, metrics_text(src.node(), src.types(), src.sim(), om),
                         om ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                            : "text/plain; version=0.0.4; charset=utf-8");
  }
  if (path == "/api/v1/node")
    return text_response(200, node_json(src.node()), json_type);
  if (path == "/api/v1/cluster")
    return text_response(200, cluster_json(src.node()), json_type);
  if (path == "/api/v1/sim")
    return sim_response(src);
  if (path == "/api/v1/awaits")
    return text_response(
        200, awaits::graph_json(src.await_graph(), std::chrono::system_clock::now()), json_type);
  if (path == "/api/v1/actors")
    return actors_response(src, query);
  return actor_response(src, path.substr(actor_prefix.size()));
}

} // namespace

response json_text_response(unsigned status, std::string body) {
  return text_response(status, std::move(body), json_type);
}

response error_response(unsigned status, std::string_view message, std::string_view parameter) {
  boost::json::object body;
  body["error"] = message;
  if (!parameter.empty())
    body["parameter"] = parameter;
  return text_response(status, boost::json::serialize(body), json_type);
}

response handle(const request& req, const connection& conn, const settings& s, source& src) {
  auto host = req[http::field::host];
  if (!host_allowed({host.data(), host.size()}, conn, s))
    return error_response(403, "Host '" + std::string{host} +
                                   "' is not this endpoint's address; connect to it by "
                                   "127.0.0.1, localhost or the address it listens on");
  if (s.token) {
    auto auth = req[http::field::authorization];
    if (!same_token(*s.token, bearer({auth.data(), auth.size()}))) {
      auto res = error_response(401, "this endpoint needs Authorization: Bearer TOKEN (the token "
                                     "of the node's --monitor-token-file)");
      res.set(http::field::www_authenticate, "Bearer");
      return res;
    }
  }
  if (changes_state(req.method()) && !s.allow_control)
    return error_response(403, "this endpoint is read-only; start the node with "
                               "--monitor-allow-control to allow requests that change it");
  auto res = route(req, src);
  if (req.method() == http::verb::head) {
    auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  return res;
}

std::string serve_bytes(std::string_view bytes, const connection& conn, const settings& s,
                        source& src) {
  std::string out;
  auto emit = [&](response res, bool keep_alive) {
    res.keep_alive(keep_alive);
    http::response_serializer<http::string_body> sr{res};
    boost::system::error_code ec;
    do {
      sr.next(ec, [&](boost::system::error_code&, const auto& buffers) {
        for (auto b : boost::beast::buffers_range_ref(buffers))
          out.append(static_cast<const char*>(b.data()), b.size());
        sr.consume(boost::beast::buffer_bytes(buffers));
      });
    } while (!ec && !sr.is_done());
  };
  while (!bytes.empty()) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(body_limit);
    parser.eager(true);
    boost::system::error_code ec;
    while (!parser.is_done()) {
      auto used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
      bytes.remove_prefix(used);
      if (ec == http::error::need_more)
        ec = {};
      // No progress (the rest would come later, e.g. the end of a chunked body): the server
      // would wait for it until its timeout.
      if (ec || used == 0)
        break;
    }
    if (ec) {
      auto status = ec == http::error::header_limit ? 431U
                    : ec == http::error::body_limit ? 413U
                                                    : 400U;
      emit(error_response(status, "malformed request: " + ec.message()), false);
      break;
    }
    if (!parser.is_done())
      break; // the peer would still be sending: the server's timeout ends it
    auto& req = parser.get();
    bool keep = req.keep_alive();
    emit(handle(req, conn, s, src), keep);
    if (!keep)
      break;
  }
  return out;
}

} // namespace troupe::detail::monitor
