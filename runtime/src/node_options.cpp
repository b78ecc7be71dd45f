#include <troupe/node_config.hpp>

#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>
#include <string_view>
#include <thread>

#include <caf/config_option.hpp>
#include <caf/pec.hpp>
#include <caf/settings.hpp>

namespace troupe {

// -- endpoint -------------------------------------------------------------------------------------

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

// -- node_config ----------------------------------------------------------------------------------

namespace {

struct troupe_flag {
  std::string_view name;
  std::string_view arg;
  std::string_view help;
};

constexpr troupe_flag troupe_flags[] = {
    {"threads", "N", "worker threads (default: one per core)"},
    {"listen", "HOST:PORT", "accept nodes on HOST:PORT (port 0 picks a free one)"},
    {"join", "HOST:PORT", "join the node listening on HOST:PORT"},
    {"join-timeout", "SECONDS", "how long --join retries (default 10)"},
    {"config", "FILE", "read options from FILE (CAF's INI format)"},
    {"introspection", "BOOL", "record per-actor data for snapshots (default true)"},
    {"latency-mode", "BOOL", "idle workers spin instead of sleeping (default false)"},
    {"pin-workers", "BOOL|auto",
     "pin worker i to the i-th CPU this process may use; auto: only when there is one worker "
     "per such CPU (default false)"},
};

bool is_troupe_flag(std::string_view name) {
  for (auto& f : troupe_flags)
    if (f.name == name)
      return true;
  return false;
}

result<bool> parse_bool(std::string_view flag, std::string_view v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on")
    return true;
  if (v == "false" || v == "0" || v == "no" || v == "off")
    return false;
  return error{errc::bad_option,
               "--" + std::string{flag} + " must be true or false (got '" + std::string{v} + "')"};
}

// The argument CAF's parser complained about, from its error context.
std::string offending_argument(const std::string& rendered) {
  auto key = rendered.find("\"argument\" = \"");
  if (key == std::string::npos)
    return {};
  auto begin = key + 14;
  auto end = rendered.find('"', begin);
  return rendered.substr(begin, end - begin);
}

std::string str(caf::string_view v) {
  return {v.data(), v.size()};
}

// CAF's INI reader silently drops a value of the wrong type: read the file untyped and check
// each value against its option, so that `count="many"` is an error instead of a default.
std::optional<error> check_settings(const std::string& file, const caf::config_option_set& opts,
                                    const caf::settings& xs, const std::string& category) {
  for (auto& [key, value] : xs) {
    if (auto* sub = caf::get_if<caf::config_value::dictionary>(&value)) {
      auto nested = category == "global" ? key : category + "." + key;
      if (auto bad = check_settings(file, opts, *sub, nested))
        return bad;
      continue;
    }
    auto* opt = opts.qualified_name_lookup(category, key);
    auto where = "--config " + file + ": " + (category == "global" ? "" : category + ".") + key;
    if (opt == nullptr) {
      if (category == "global")
        return error{errc::bad_option, where + " is not an option (see --help)"};
      continue; // CAF reads some keys it does not declare; only the program's are known
    }
    if (opt->check(value))
      return error{errc::bad_option, where + " must be " + str(opt->type_name()) + " (got " +
                                         caf::to_string(value) + ")"};
  }
  return std::nullopt;
}

std::optional<error> check_config_file(const std::string& file,
                                       const caf::config_option_set& opts) {
  std::ifstream in{file};
  auto raw = caf::actor_system_config::parse_config(in);
  if (!raw) {
    auto text = caf::to_string(raw.error());
    auto number_after = [&](const std::string& key) -> std::string {
      auto at = text.find("\"" + key + "\" = ");
      if (at == std::string::npos)
        return "?";
      at += key.size() + 5;
      return text.substr(at, text.find_first_not_of("0123456789", at) - at);
    };
    std::string why = "syntax error";
    if (raw.error().category() == caf::atom("parser"))
      why = caf::to_string(static_cast<caf::pec>(raw.error().code()));
    return error{errc::bad_option, "--config " + file + ": line " + number_after("line") +
                                       ", column " + number_after("column") + ": " + why};
  }
  return check_settings(file, opts, *raw, "global");
}

} // namespace

node_config::node_config(std::string program_name, std::string program_description)
  : program(std::move(program_name))
  , description(std::move(program_description)) {
  detail::add_error_types(*this);
}

node_config::~node_config() = default;

namespace {

// CAF's own command-line switches, which troupe handles itself (or hides: --config-file is
// troupe's --config).
bool is_caf_builtin(const caf::config_option& opt) {
  auto name = opt.long_name();
  return opt.category() == "global" &&
         (name == "help" || name == "long-help" || name == "dump-config" || name == "config-file");
}

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

void print_option(std::ostream& out, const std::string& lhs, const std::string& help) {
  out << lhs << std::string(lhs.size() < 30 ? 30 - lhs.size() : 1, ' ') << help << "\n";
}

} // namespace

std::string node_config::help_text() const {
  return help_text(false);
}

std::string node_config::help_text(bool with_caf_options) const {
  std::ostringstream out;
  out << "usage: " << program << " [options]\n";
  if (!description.empty())
    out << description << "\n";
  out << "\nnode options:\n";
  for (auto& f : troupe_flags)
    print_option(out, "  --" + std::string{f.name} + " " + std::string{f.arg}, std::string{f.help});
  print_option(out, "  --help", "print this text");
  print_option(out, "  --long-help", "print this text and every CAF option");
  print_option(out, "  --dump-config", "print the configuration and exit");
  bool any = false;
  for (auto& opt : custom_options_) {
    if (opt.category() != "global" || is_caf_builtin(opt))
      continue;
    if (!any)
      out << "\n" << program << " options:\n";
    any = true;
    auto lhs = "  --" + str(opt.long_name()) + " " +
               (opt.is_flag() ? std::string{"[BOOL]"} : upper(str(opt.type_name())));
    auto help = str(opt.description());
    if (help.find("default") == std::string::npos)
      if (auto v = opt.get(); v && !opt.is_flag())
        help += " (default: " + caf::to_string(*v) + ")";
    print_option(out, lhs, help);
  }
  if (with_caf_options) {
    out << "\nCAF options (--category.key=value, or [category] key=value in --config):\n";
    for (auto& opt : custom_options_)
      if (opt.category() != "global")
        print_option(out,
                     "  --" + str(opt.category()) + "." + str(opt.long_name()) + " " +
                         str(opt.type_name()),
                     str(opt.description()));
  }
  out << "\nOptions take --key value or --key=value. Any CAF key works too, e.g.\n"
         "--middleman.heartbeat-interval=500ms (see --long-help).\n";
  return out.str();
}

result<void> node_config::parse_args(int argc, const char* const* argv) {
  std::vector<std::string> caf_args;
  std::optional<std::size_t> cli_threads;
  // CAF's command line takes a boolean only as a bare switch (true): troupe sets the values
  // given as --name=BOOL or --name BOOL itself, after CAF's parse.
  std::vector<std::pair<const caf::config_option*, bool>> bools;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "-?")
      return error{errc::help_requested, help_text(false)};
    if (arg == "--long-help")
      return error{errc::help_requested, help_text(true)};
    if (arg.size() < 3 || arg.substr(0, 2) != "--")
      return error{errc::bad_option, "unexpected argument '" + std::string{arg} +
                                         "': options start with -- (see --help)"};
    auto eq = arg.find('=');
    auto name = arg.substr(2, eq == std::string_view::npos ? std::string_view::npos : eq - 2);
    std::optional<std::string_view> value;
    if (eq != std::string_view::npos)
      value = arg.substr(eq + 1);
    if (name == "config-file")
      name = "config";
    auto flag = "--" + std::string{name};
    if (is_troupe_flag(name)) {
      if (!value) {
        if (i + 1 >= argc)
          return error{errc::bad_option, flag + " needs a value (see --help)"};
        value = argv[++i];
      }
      auto v = *value;
      if (name == "threads") {
        unsigned long n = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc{} || p != v.data() + v.size() || n == 0 || n > 4096)
          return error{errc::bad_option, "--threads must be a whole number from 1 to 4096 (got '" +
                                             std::string{v} + "')"};
        cli_threads = n;
      } else if (name == "listen" || name == "join") {
        auto ep = parse_endpoint(v, flag);
        if (!ep)
          return ep.error();
        (name == "listen" ? listen : join) = *ep;
      } else if (name == "join-timeout") {
        double s = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
        if (ec != std::errc{} || p != v.data() + v.size() || !(s > 0))
          return error{errc::bad_option,
                       "--join-timeout must be a positive number of seconds (got '" +
                           std::string{v} + "')"};
        join_timeout_s = s;
      } else if (name == "config") {
        config_file = std::string{v};
      } else if (name == "pin-workers") {
        if (v == "auto") {
          pin_workers.reset();
        } else if (auto b = parse_bool(name, v)) {
          pin_workers = *b;
        } else {
          return error{errc::bad_option,
                       "--pin-workers must be true, false or auto (got '" + std::string{v} + "')"};
        }
      } else {
        auto b = parse_bool(name, v);
        if (!b)
          return b.error();
        (name == "introspection" ? introspection : latency_mode) = *b;
      }
      continue;
    }
    auto* opt = custom_options_.cli_long_name_lookup(name);
    if (opt == nullptr && name.substr(0, 4) != "caf#")
      // Caught here rather than by CAF, so that a value after it is not blamed instead.
      return error{errc::bad_option, "unknown option " + flag + " (see --help)"};
    if (opt != nullptr && opt->is_flag()) {
      if (!value && i + 1 < argc && parse_bool(name, argv[i + 1]))
        value = argv[++i];
      if (value) {
        auto b = parse_bool(name, *value);
        if (!b)
          return b.error();
        bools.emplace_back(opt, *b);
        continue;
      }
    }
    // CAF's parser only takes --key=value: join a separate value for options that take one.
    if (!value && opt != nullptr && !opt->is_flag()) {
      if (i + 1 >= argc)
        return error{errc::bad_option, flag + " needs a value (see --help)"};
      caf_args.push_back(flag + "=" + argv[++i]);
      continue;
    }
    caf_args.emplace_back(arg);
  }
  std::ifstream ini;
  if (!config_file.empty()) {
    ini.open(config_file);
    if (!ini)
      return error{errc::bad_option, "--config: cannot read '" + config_file +
                                         "' (does the file exist and is it readable?)"};
    if (auto bad = check_config_file(config_file, custom_options_))
      return *bad;
  }
  std::istringstream no_ini;
  auto err = config_file.empty() ? parse(caf_args, no_ini) : parse(caf_args, ini);
  if (err) {
    auto rendered = to_string(err);
    auto what = offending_argument(rendered);
    if (err.category() == caf::atom("parser")) {
      auto code = static_cast<caf::pec>(err.code());
      if (code == caf::pec::not_an_option)
        return error{errc::bad_option,
                     "unknown option " + (what.empty() ? rendered : what) + " (see --help)"};
      if (!what.empty())
        return error{errc::bad_option,
                     "invalid value in " + what + ": " + caf::to_string(code) + " (see --help)"};
    }
    return error{errc::bad_option,
                 (config_file.empty() ? "" : "in " + config_file + ": ") + rendered};
  }
  if (cli_helptext_printed) // CAF printed what --dump-config asked for
    return error{errc::help_requested, ""};
  for (auto& [opt, b] : bools) {
    opt->store(caf::config_value{b});
    put(content, str(opt->full_name()), caf::config_value{b});
  }
  if (cli_threads) {
    threads = *cli_threads;
  } else if (auto n = caf::get_if<std::size_t>(&content, "scheduler.max-threads");
             n && threads == 0) {
    // scheduler.max-threads given as a CAF key (command line or --config file).
    if (*n == 0 || *n > 4096)
      return error{errc::bad_option,
                   "scheduler.max-threads must be a whole number from 1 to 4096 (got " +
                       std::to_string(*n) + ")"};
    threads = *n;
  }
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  apply_scheduler_settings();
  return {};
}

void node_config::apply_scheduler_settings() {
  set("scheduler.max-threads", threads);
  // Keys the user gave (command line, config file) win over the defaults below.
  if (latency_mode) {
    // Idle workers never sleep: lowest wake-up latency, at the price of busy idle cores.
    caf::put_missing(content, "work-stealing.aggressive-poll-attempts",
                     std::numeric_limits<int>::max() / 2);
  } else {
    // An idle worker first polls its queue 100 times and tries to steal every 10th poll (CAF's
    // aggressive phase): a burst of work queued on another worker (fan-out, skynet) is taken
    // at once. Then it spins 2000 more polls on its own queue, trying to steal only every
    // 1000th (tens of µs): a thread that feeds it from outside (spawns from main, the
    // middleman) rarely finds it blocked, which would cost a futex wake per job, and it does
    // not keep pulling the one runnable actor of a busy worker over to its own cache (ping-pong
    // and request/reply between two actors lost 20% to that with 2000 polls stealing every
    // 10th). CAF's middle phase sleeps 50 µs between polls instead; here it does not sleep,
    // but yields the core every 64th poll (detail::stealing::dequeue), so that main spawning
    // actors or the middleman, sharing a core with a polling worker, runs at once.
    caf::put_missing(content, "work-stealing.moderate-poll-attempts", 2000);
    caf::put_missing(content, "work-stealing.moderate-steal-interval", 1000);
    caf::put_missing(content, "work-stealing.moderate-sleep-duration", caf::timespan{0});
  }
  // Then it blocks on its condition variable, which an external enqueue (middleman, timer,
  // kernel launch) signals at once. CAF's middle phase slept 50 µs between polls: a wake-up
  // arriving in it waited up to a whole sleep (remote round trip ≈ 0.3–0.6× raw CAF's without
  // it), and a node woken by a 1 ms timer used 27% of a core instead of ≈ 4% (docs/PERFORMANCE.md).
  // Work that a running worker enqueues for itself (actors woken by its messages) wakes no
  // blocked worker; a blocked worker looks for some to steal every 2 ms instead of CAF's
  // 10 ms, so a fan-out burst reaches the idle cores (idle node: ~1.5% of a core vs 0.5%).
  caf::put_missing(content, "work-stealing.relaxed-sleep-duration",
                   caf::timespan{std::chrono::milliseconds{2}});
}

void node_config::apply_network_settings() {
  // CAF 0.17 sends no heartbeats by default, so a frozen peer (stopped process, dead link)
  // is never noticed. A run of days needs to know: beat every second, give up on a node that
  // stays silent for ten. Keys the user gave win.
  using namespace std::chrono_literals;
  caf::put_missing(content, "middleman.heartbeat-interval", caf::timespan{1s});
  caf::put_missing(content, "middleman.connection-timeout", caf::timespan{10s});
}

} // namespace troupe
