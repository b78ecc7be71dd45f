// The checks troupe runs on a --config file beside CAF's own reader.
#include "internal/node_flags.hpp"

#include <fstream>

#include <caf/actor_system_config.hpp>
#include <caf/pec.hpp>
#include <caf/settings.hpp>

namespace troupe::detail {

namespace {

// Each value of `xs` (the settings under `category`) against its option.
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

} // namespace

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

} // namespace troupe::detail
