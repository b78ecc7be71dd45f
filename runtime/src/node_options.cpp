// node_config: construction and parse_args (troupe's flags, then CAF's parser for the
// program's options, CAF's keys and the --config file).
#include <troupe/node_config.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

#include <caf/config_option.hpp>
#include <caf/pec.hpp>
#include <caf/settings.hpp>

#include "internal/cluster_wire.hpp"
#include "internal/monitor.hpp"
#include "internal/node_flags.hpp"
#include "internal/node_launch.hpp"

namespace troupe {

node_config::node_config(std::string program_name, std::string program_description)
  : program(std::move(program_name))
  , description(std::move(program_description)) {
  detail::add_error_types(*this);
  detail::add_cluster_types(*this);
}

node_config::node_config(node_config&&) = default;

node_config::~node_config() = default;

namespace {

// The command line, read one argument at a time.
class arguments {
public:
  arguments(int argc, const char* const* argv)
    : argc_(argc)
    , argv_(argv) {
  }

  [[nodiscard]] bool more() const noexcept {
    return i_ + 1 < argc_;
  }

  std::string_view next() noexcept {
    return argv_[++i_];
  }

  [[nodiscard]] std::optional<std::string_view> peek() const noexcept {
    if (!more())
      return std::nullopt;
    return argv_[i_ + 1];
  }

private:
  int argc_;
  const char* const* argv_;
  int i_ = 0;
};

// One `--name` or `--name=value` argument.
struct flag_arg {
  std::string_view text;
  std::string_view name;
  std::optional<std::string_view> value;

  [[nodiscard]] std::string flag() const {
    return "--" + std::string{name};
  }
};

result<flag_arg> split_flag(std::string_view arg) {
  if (arg.size() < 3 || arg.substr(0, 2) != "--")
    return error{errc::bad_option, "unexpected argument '" + std::string{arg} +
                                       "': options start with -- (see --help)"};
  auto eq = arg.find('=');
  flag_arg out{arg, arg.substr(2, eq == std::string_view::npos ? eq : eq - 2), std::nullopt};
  if (eq != std::string_view::npos)
    out.value = arg.substr(eq + 1);
  if (out.name == "config-file")
    out.name = "config";
  return out;
}

// The value of `f`: after its '=', else the next argument.
result<std::string_view> value_of(const flag_arg& f, arguments& args) {
  if (f.value)
    return *f.value;
  if (!args.more())
    return error{errc::bad_option, f.flag() + " needs a value (see --help)"};
  return args.next();
}

// The value of a switch (`--name`, `--name=BOOL` or `--name BOOL`): true when bare.
result<std::string_view> switch_value(const flag_arg& f, arguments& args) {
  if (f.value)
    return *f.value;
  if (args.peek() && detail::parse_bool(f.name, *args.peek()))
    return args.next();
  return std::string_view{"true"};
}

// What goes to CAF's parser. CAF's command line takes a boolean only as a bare switch (true):
// troupe stores the values given as --name=BOOL or --name BOOL itself, after CAF's parse.
struct for_caf {
  std::vector<std::string> args;
  std::vector<std::pair<const caf::config_option*, bool>> bools;
};

// A program option or a CAF key, collected for CAF's parser.
result<void> collect(const caf::config_option_set& opts, const flag_arg& f, arguments& args,
                     for_caf& out) {
  auto* opt = opts.cli_long_name_lookup(f.name);
  if (opt == nullptr && f.name.substr(0, 4) != "caf#")
    // Caught here rather than by CAF, so that a value after it is not blamed instead.
    return error{errc::bad_option, "unknown option " + f.flag() + " (see --help)"};
  if (opt != nullptr && opt->is_flag()) {
    auto value = f.value;
    if (!value && args.peek() && detail::parse_bool(f.name, *args.peek()))
      value = args.next();
    if (value) {
      auto b = detail::parse_bool(f.name, *value);
      if (!b)
        return b.error();
      out.bools.emplace_back(opt, *b);
      return {};
    }
  }
  if (f.value || opt == nullptr || opt->is_flag()) {
    out.args.emplace_back(f.text);
    return {};
  }
  // CAF's parser only takes --key=value: join a separate value to its option.
  auto v = value_of(f, args);
  if (!v)
    return v.error();
  out.args.push_back(f.flag() + "=" + std::string{*v});
  return {};
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

// CAF's parse error as one line naming the argument or the file.
error caf_parse_error(const caf::error& err, const std::string& config_file) {
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

// Runs CAF's parser on `args` and the --config file, if any.
result<void> parse_with_caf(node_config& cfg, const caf::config_option_set& opts,
                            std::vector<std::string> args) {
  if (cfg.config_file.empty()) {
    std::istringstream no_ini;
    if (auto err = cfg.parse(std::move(args), no_ini))
      return caf_parse_error(err, cfg.config_file);
    return {};
  }
  std::ifstream ini{cfg.config_file};
  if (!ini)
    return error{errc::bad_option, "--config: cannot read '" + cfg.config_file +
                                       "' (does the file exist and is it readable?)"};
  if (auto bad = detail::check_config_file(cfg.config_file, opts))
    return *bad;
  if (auto err = cfg.parse(std::move(args), ini))
    return caf_parse_error(err, cfg.config_file);
  return {};
}

} // namespace

result<void> node_config::parse_args(int argc, const char* const* argv) {
  arguments args{argc, argv};
  for_caf to_caf;
  while (args.more()) {
    auto arg = args.next();
    if (arg == "--help" || arg == "-h" || arg == "-?")
      return error{errc::help_requested, help_text(false)};
    if (arg == "--long-help")
      return error{errc::help_requested, help_text(true)};
    auto f = split_flag(arg);
    if (!f)
      return f.error();
    if (auto* flag = detail::find_troupe_flag(f->name)) {
      auto v = flag->arg == "[BOOL]" ? switch_value(*f, args) : value_of(*f, args);
      if (!v)
        return v.error();
      if (auto ok = flag->apply(*this, *v); !ok)
        return ok;
    } else if (auto ok = collect(custom_options_, *f, args, to_caf); !ok) {
      return ok;
    }
  }
  if (auto ok = parse_with_caf(*this, custom_options_, std::move(to_caf.args)); !ok)
    return ok;
  if (cli_helptext_printed) // CAF printed what --dump-config asked for
    return error{errc::help_requested, ""};
  for (auto& [opt, b] : to_caf.bools) {
    opt->store(caf::config_value{b});
    put(content, detail::str(opt->full_name()), caf::config_value{b});
  }
  if (auto placed = detail::apply_launch_environment(*this, &std::getenv); !placed)
    return placed;
  auto n = detail::worker_threads(*this);
  if (!n)
    return n.error();
  threads = *n;
  if (auto checked = detail::monitor::check_options(monitor); !checked)
    return checked.error();
  apply_scheduler_settings();
  return {};
}

} // namespace troupe
