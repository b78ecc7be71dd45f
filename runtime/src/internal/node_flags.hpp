// Internal: troupe's own command-line flags, shared by parse_args and the help text, and the
// checks parse_args runs beside CAF's parser.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <caf/config_option_set.hpp>

#include <troupe/node_config.hpp>
#include <troupe/result.hpp>

namespace troupe::detail {

/// A CAF string view as a string.
inline std::string str(caf::string_view v) {
  return {v.data(), v.size()};
}

/// One of troupe's flags (`--NAME ARG`): its help line, and how its value goes into a config.
struct troupe_flag {
  std::string_view name;
  std::string_view arg;
  std::string_view help;
  /// Stores `value` into `cfg`, or returns an error naming the flag and what it takes.
  result<void> (*apply)(node_config& cfg, std::string_view value);
};

/// Every troupe flag, in the order `--help` lists them.
std::span<const troupe_flag> troupe_flags() noexcept;

/// The troupe flag `name` (without the dashes), or nullptr.
const troupe_flag* find_troupe_flag(std::string_view name) noexcept;

/// Reads a boolean the way flags take it (true/false, 1/0, yes/no, on/off).
result<bool> parse_bool(std::string_view flag, std::string_view value);

/// Checks every value of the config file `file` against its option's type (CAF's reader
/// drops mistyped values silently); an error names the file, line or key.
std::optional<error> check_config_file(const std::string& file, const caf::config_option_set& opts);

/// The worker count of `cfg`: its `threads`, else `scheduler.max-threads` (a CAF key, from
/// the command line, the config file or the program), else one per core.
result<std::size_t> worker_threads(const node_config& cfg);

} // namespace troupe::detail
