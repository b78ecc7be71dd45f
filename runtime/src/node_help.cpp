// The text of --help and --long-help.
#include <troupe/node_config.hpp>

#include <cctype>
#include <sstream>

#include "internal/node_flags.hpp"

namespace troupe {

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
  for (auto& f : detail::troupe_flags())
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
    auto lhs = "  --" + detail::str(opt.long_name()) + " " +
               (opt.is_flag() ? std::string{"[BOOL]"} : upper(detail::str(opt.type_name())));
    auto help = detail::str(opt.description());
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
                     "  --" + detail::str(opt.category()) + "." + detail::str(opt.long_name()) +
                         " " + detail::str(opt.type_name()),
                     detail::str(opt.description()));
  }
  out << "\nOptions take --key value or --key=value. Any CAF key works too, e.g.\n"
         "--middleman.heartbeat-interval=500ms (see --long-help).\n";
  return out.str();
}

} // namespace troupe
