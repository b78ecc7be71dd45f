// The monitor's security rules: which addresses need a token, what a token file must be, the
// constant-time token comparison and the Host allow-list against DNS rebinding.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>

#include "../internal/monitor.hpp"

namespace troupe::detail::monitor {

namespace {

constexpr std::string_view token_flag = "--monitor-token-file";

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool is_base64(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/' || c == '-' ||
         c == '_';
}

// The bits a token carries: 4 per character when it is all hex digits, 6 when it is base64
// (standard or URL alphabet, '=' padding ignored), none when it holds anything else.
std::size_t token_bits(std::string_view t) {
  while (!t.empty() && t.back() == '=')
    t.remove_suffix(1);
  if (t.empty())
    return 0;
  if (std::all_of(t.begin(), t.end(), is_hex))
    return 4 * t.size();
  if (std::all_of(t.begin(), t.end(), is_base64))
    return 6 * t.size();
  return 0;
}

std::string without_port(std::string_view host_port) {
  if (!host_port.empty() && host_port.front() == '[') {
    auto close = host_port.find(']');
    return std::string{host_port.substr(1, close == std::string_view::npos ? 0 : close - 1)};
  }
  return std::string{host_port.substr(0, host_port.rfind(':'))};
}

} // namespace

bool is_loopback(std::string_view host) {
  if (host == "localhost")
    return true;
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(std::string{host}, ec);
  return !ec && addr.is_loopback();
}

result<std::string> read_token_file(const std::string& file) {
  auto bad = [&](const std::string& why) {
    return error{errc::bad_option, std::string{token_flag} + " " + file + ": " + why};
  };
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0)
    return bad("cannot read it (does the file exist?); write a token of at least 32 hex digits "
               "into it, e.g. `openssl rand -hex 16 > FILE; chmod 600 FILE`");
  if (!S_ISREG(st.st_mode))
    return bad("not a regular file; give the file that holds the token");
  if (st.st_uid != ::geteuid())
    return bad("owned by another user; use a token file of your own (chmod 600)");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    return bad("group or others may access it; make it readable only by you (chmod 600 " + file +
               ")");
  std::ifstream in{file};
  std::stringstream text;
  text << in.rdbuf();
  if (!in)
    return bad("cannot read it; make it readable by you (chmod 600 " + file + ")");
  auto token = text.str();
  auto blank = [](unsigned char c) { return std::isspace(c) != 0; };
  token.erase(token.begin(), std::find_if_not(token.begin(), token.end(), blank));
  token.erase(std::find_if_not(token.rbegin(), token.rend(), blank).base(), token.end());
  if (token.size() > 4096)
    return bad("the token is longer than 4096 characters; use one line of 32 to 128 hex digits");
  if (token_bits(token) < 128)
    return bad("the token is shorter than 128 bits; use at least 32 hex digits or 22 base64 "
               "characters, e.g. `openssl rand -hex 16 > " +
               file + "`");
  return token;
}

result<std::optional<std::string>> check_options(const monitor_options& opts) {
  if (!opts.address)
    return std::optional<std::string>{};
  auto& host = opts.address->host;
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (ec && host != "localhost")
    return error{errc::bad_option, "--monitor " + opts.address->to_string() +
                                       ": the host must be an IP address or localhost (or use "
                                       "--monitor off)"};
  if (opts.token_file.empty()) {
    if (!is_loopback(host))
      return error{errc::bad_option,
                   "--monitor " + opts.address->to_string() +
                       ": a non-loopback address needs --monitor-token-file FILE (a token of at "
                       "least 128 bits, readable only by you); or use 127.0.0.1"};
    return std::optional<std::string>{};
  }
  auto token = read_token_file(opts.token_file);
  if (!token)
    return token.error();
  return std::optional<std::string>{std::move(*token)};
}

bool same_token(std::string_view expected, std::string_view given) noexcept {
  // Every byte of the expected token is compared whatever the input, so the time reveals
  // neither a matching prefix nor the token's length (only the caller's own length).
  unsigned diff = expected.size() == given.size() ? 0U : 1U;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto g = i < given.size() ? given[i] : '\0';
    diff |= static_cast<unsigned char>(expected[i] ^ g);
  }
  return diff == 0;
}

bool host_allowed(std::string_view host_port, const connection& conn, const settings& s) {
  auto colon = host_port.rfind(':');
  auto close = host_port.rfind(']');
  if (colon == std::string_view::npos || (close != std::string_view::npos && colon < close))
    return false; // the port is always given: the endpoint never listens on port 80
  if (host_port.substr(colon + 1) != std::to_string(s.port))
    return false;
  auto host = without_port(host_port);
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (host == "localhost" || host == "127.0.0.1" || host == "::1")
    return true;
  if (host == s.bound_host || host == conn.local_address)
    return !host.empty();
  return false;
}

} // namespace troupe::detail::monitor
