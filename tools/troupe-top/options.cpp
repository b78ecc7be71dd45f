#include "options.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string_view>

namespace troupe_top {

namespace {

constexpr std::string_view help_text =
    R"(troupe-top: a live view of a troupe cluster's actors, from any node's monitor endpoint.

usage: troupe-top [OPTIONS] HOST:PORT

HOST:PORT is a node's monitor address (a node prints 'monitor on http://HOST:PORT' on stderr
when it starts). troupe-top reads that node's /api/v1/cluster to find every member and polls
each member's monitor every second.

options:
  --once             print the header and the actor table once on stdout (no curses), exit
  --json             print the gathered cluster as one JSON object on stdout, exit
  --token-file FILE  the bearer token of the monitors (a node's --monitor-token-file);
                     without it, the environment variable TROUPE_MONITOR_TOKEN, if set
  --interval SECONDS time between two polls (default 1)
  -h, --help         this text

keys: arrows, PgUp/PgDn, Home/End move; < and > pick the sort column, r reverses it;
      / filters rows by text (Enter applies, Esc clears); Enter shows the selected actor and
      its await chain; g the cluster's await graph; p pauses or resumes the simulation;
      Esc goes back; q quits.

exit codes: 0 done, 1 the address, the token or the node is the problem, 2 bad flags.
)";

parsed usage_error(const std::string& why) {
  return parsed{{}, "troupe-top: " + why + " (see troupe-top --help)\n", 2};
}

parsed input_error(const std::string& line) {
  return parsed{{}, "troupe-top: " + line + "\n", 1};
}

std::string trimmed(std::string s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

} // namespace

parsed parse_command_line(int argc, const char* const* argv) {
  parsed out;
  std::string address;
  std::string token_file;
  bool have_token_file = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "-h" || arg == "--help")
      return parsed{{}, std::string{help_text}, 0};
    if (arg == "--once") {
      out.options.once = true;
    } else if (arg == "--json") {
      out.options.json = true;
    } else if (arg == "--token-file") {
      auto v = value();
      if (!v)
        return usage_error("--token-file needs a FILE");
      token_file = v;
      have_token_file = true;
    } else if (arg == "--interval") {
      auto v = value();
      char* end = nullptr;
      double s = v ? std::strtod(v, &end) : 0;
      if (!v || end == v || *end != '\0' || !(s >= 0.1 && s <= 3600))
        return usage_error("--interval must be a number of seconds from 0.1 to 3600 (got '" +
                           std::string{v ? v : ""} + "')");
      out.options.interval = std::chrono::milliseconds{static_cast<long>(s * 1000)};
    } else if (arg.starts_with("-")) {
      return usage_error("unknown option '" + std::string{arg} + "'");
    } else if (address.empty()) {
      address = arg;
    } else {
      return usage_error("one HOST:PORT only (got '" + address + "' and '" + std::string{arg} +
                         "')");
    }
  }
  if (out.options.once && out.options.json)
    return usage_error("--once and --json exclude each other; pick one");
  if (address.empty())
    return usage_error("missing HOST:PORT, a node's monitor address");
  std::string why;
  auto seed = parse_endpoint(address, why);
  if (!seed)
    return input_error("'" + address + "' is not a monitor address HOST:PORT (" + why +
                       "); a node prints it as 'monitor on http://HOST:PORT'");
  out.options.seed = *seed;
  if (have_token_file) {
    std::ifstream in{token_file};
    std::string text;
    if (in.is_open())
      text.assign(std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{});
    if (!in.is_open() || in.bad())
      return input_error("--token-file " + token_file +
                         ": cannot read it (does the file exist?); give the file the node was "
                         "started with (--monitor-token-file)");
    out.options.token = trimmed(text);
    if (out.options.token.empty())
      return input_error("--token-file " + token_file +
                         ": the file is empty; it must hold the "
                         "node's monitor token");
  } else if (const char* env = std::getenv("TROUPE_MONITOR_TOKEN")) {
    out.options.token = trimmed(env);
  }
  return out;
}

} // namespace troupe_top
