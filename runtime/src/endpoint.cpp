#include <troupe/endpoint.hpp>

#include <charconv>

namespace troupe {

std::string endpoint::to_string() const {
  return host + ":" + std::to_string(port);
}

result<endpoint> parse_endpoint(std::string_view text, std::string_view flag) {
  auto bad = [&](std::string_view why) {
    return error{errc::bad_option, std::string{flag} +
                                       " must be HOST:PORT with a port in 0..65535 (got '" +
                                       std::string{text} + "': " + std::string{why} + ")"};
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return bad("no ':'");
  auto host = text.substr(0, colon);
  auto port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty())
    return bad("empty host");
  if (port_text.empty())
    return bad("empty port");
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || ptr != port_text.data() + port_text.size())
    return bad("port is not a number");
  if (port > 65535)
    return bad("port out of range");
  return endpoint{std::string{host}, static_cast<std::uint16_t>(port)};
}

} // namespace troupe
