#include "internal/checkpoint_manifest.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <system_error>

#include "internal/output_file.hpp"
#include "internal/sha256.hpp"

namespace troupe::actors::detail {

namespace {

constexpr std::string_view format_line = "format=troupe-checkpoint";
constexpr std::string_view version_key = "version=";
constexpr std::string_view checksum_key = "manifest-sha256=";
constexpr std::string_view parameter_prefix = "parameter.";
constexpr std::string_view part_prefix = "part.";

// Quoted for an error message, cut short: a garbled manifest can hold anything.
std::string quote(std::string_view text) {
  constexpr std::size_t most = 40;
  std::string out{"'"};
  out += text.substr(0, most);
  out += text.size() > most ? "...'" : "'";
  return out;
}

template <class Number>
bool parse_number(std::string_view text, Number& out) {
  auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && !text.empty();
}

bool is_hex_digest(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::optional<std::string> unrecordable(const checkpoint_info& info,
                                        std::span<const part_record> parts) {
  auto one_line = [](std::string_view s) { return s.find_first_of("\r\n") == s.npos; };
  if (info.program.empty() || !one_line(info.program))
    return "a checkpoint's program name must be one non-empty line (got " + quote(info.program) +
           ")";
  if (!one_line(info.layout))
    return "a checkpoint's layout must be one line (got " + quote(info.layout) + ")";
  if (info.step < 0)
    return "a checkpoint's step must be 0 or more (got " + std::to_string(info.step) + ")";
  if (parts.empty())
    return "a checkpoint needs at least one part";
  for (const auto& [name, value] : info.parameters)
    if (name.empty() || !one_line(name) || name.find('=') != name.npos)
      return "a checkpoint's parameter name must be one non-empty line without '=' (got " +
             quote(name) + ")";
  return std::nullopt;
}

// The fields between the version line and the checksum line, each checked as it is read.
class field_reader {
public:
  explicit field_reader(manifest& out)
    : out_(out) {
  }

  std::optional<std::string> read(std::size_t line_no, std::string_view line) {
    auto eq = line.find('=');
    if (eq == line.npos)
      return at(line_no, "no '=' in " + quote(line));
    auto key = line.substr(0, eq);
    auto value = line.substr(eq + 1);
    if (key.starts_with(parameter_prefix)) {
      auto name = std::string{key.substr(parameter_prefix.size())};
      double x = 0;
      if (name.empty() || !parse_number(value, x))
        return at(line_no, "bad parameter " + quote(line));
      if (!out_.info.parameters.emplace(std::move(name), x).second)
        return at(line_no, "parameter " + quote(key) + " given twice");
      return std::nullopt;
    }
    if (key.starts_with(part_prefix))
      return read_part(line_no, key.substr(part_prefix.size()), value);
    bool fresh = seen_.insert(std::string{key}).second;
    bool ok = true;
    if (key == "program")
      out_.info.program = value;
    else if (key == "step")
      ok = parse_number(value, out_.info.step) && out_.info.step >= 0;
    else if (key == "time")
      ok = parse_number(value, out_.info.time);
    else if (key == "layout")
      out_.info.layout = value;
    else if (key == "parts")
      ok = parse_number(value, parts_) && parts_ > 0 && parts_ <= (1u << 24);
    else
      return at(line_no, "unknown key " + quote(key));
    if (!fresh)
      return at(line_no, quote(key) + " given twice");
    if (!ok)
      return at(line_no, "bad value " + quote(line));
    return std::nullopt;
  }

  std::optional<std::string> finish() {
    for (auto key : {"program", "step", "time", "layout", "parts"})
      if (!seen_.contains(key))
        return "manifest: no '" + std::string{key} + "' line";
    if (records_.size() != parts_ || (!records_.empty() && records_.rbegin()->first != parts_ - 1))
      return "manifest: " + std::to_string(parts_) + " parts announced, " +
             std::to_string(records_.size()) + " part lines for ranks 0 to " +
             std::to_string(parts_ - 1);
    for (auto& [rank, record] : records_)
      out_.parts.push_back(std::move(record));
    return std::nullopt;
  }

private:
  static std::string at(std::size_t line_no, const std::string& what) {
    return "manifest: line " + std::to_string(line_no) + ": " + what;
  }

  std::optional<std::string> read_part(std::size_t line_no, std::string_view rank_text,
                                       std::string_view value) {
    std::size_t rank = 0;
    part_record record;
    auto space = value.find(' ');
    if (!parse_number(rank_text, rank) || space == value.npos ||
        !parse_number(value.substr(0, space), record.size) ||
        !is_hex_digest(value.substr(space + 1)))
      return at(line_no, "bad part line " + quote(value));
    record.sha256 = value.substr(space + 1);
    if (!records_.emplace(rank, std::move(record)).second)
      return at(line_no, "part " + std::to_string(rank) + " given twice");
    return std::nullopt;
  }

  manifest& out_;
  std::set<std::string, std::less<>> seen_;
  std::map<std::size_t, part_record> records_;
  std::size_t parts_ = 0;
};

} // namespace

troupe::error bad_checkpoint(std::string message) {
  return troupe::error{std::make_error_code(std::errc::bad_message), std::move(message)};
}

result<std::string> format_manifest(const checkpoint_info& info,
                                    std::span<const part_record> parts) {
  if (auto problem = unrecordable(info, parts))
    return invalid_argument(std::move(*problem));
  std::string text;
  text += format_line;
  text += '\n';
  text += version_key;
  text += std::to_string(checkpoint_format_version) + '\n';
  text += "program=" + info.program + '\n';
  text += "step=" + std::to_string(info.step) + '\n';
  text += "time=" + round_trip(info.time) + '\n';
  text += "layout=" + info.layout + '\n';
  text += "parts=" + std::to_string(parts.size()) + '\n';
  for (const auto& [name, value] : info.parameters)
    text += std::string{parameter_prefix} + name + '=' + round_trip(value) + '\n';
  for (std::size_t rank = 0; rank < parts.size(); ++rank)
    text += std::string{part_prefix} + std::to_string(rank) + '=' +
            std::to_string(parts[rank].size) + ' ' + parts[rank].sha256 + '\n';
  auto digest = sha256_hex(text);
  text += checksum_key;
  text += digest + '\n';
  return text;
}

result<manifest> parse_manifest(std::string_view text) {
  if (!text.starts_with(std::string{format_line} + '\n'))
    return bad_checkpoint("manifest is not a troupe checkpoint manifest (it starts with " +
                          quote(text.substr(0, text.find('\n'))) + ")");
  auto rest = text.substr(format_line.size() + 1);
  auto version_end = rest.find('\n');
  int version = 0;
  if (!rest.starts_with(version_key) || version_end == rest.npos ||
      !parse_number(rest.substr(version_key.size(), version_end - version_key.size()), version))
    return bad_checkpoint("manifest: line 2: no format version");
  if (version != checkpoint_format_version)
    return bad_checkpoint("manifest has format version " + std::to_string(version) +
                          ", this build reads version " +
                          std::to_string(checkpoint_format_version) +
                          "; restart with the troupe build that wrote it");
  if (!text.ends_with('\n'))
    return bad_checkpoint("manifest ends mid-line (truncated)");
  auto last = text.rfind('\n', text.size() - 2) + 1;
  auto checksum_line = text.substr(last, text.size() - 1 - last);
  if (!checksum_line.starts_with(checksum_key))
    return bad_checkpoint("manifest has no manifest-sha256 line at its end (truncated)");
  if (checksum_line.substr(checksum_key.size()) != sha256_hex(text.substr(0, last)))
    return bad_checkpoint("manifest checksum mismatch (changed since it was written)");
  manifest out;
  field_reader fields{out};
  auto body = text.substr(0, last);
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos < body.size(); ++line_no) {
    auto end = body.find('\n', pos);
    if (line_no >= 2)
      if (auto problem = fields.read(line_no + 1, body.substr(pos, end - pos)))
        return bad_checkpoint(std::move(*problem));
    pos = end + 1;
  }
  if (auto problem = fields.finish())
    return bad_checkpoint(std::move(*problem));
  return out;
}

std::string part_file_name(std::size_t rank) {
  return "part_" + std::to_string(rank) + ".bin";
}

std::string step_dir_name(std::int64_t step) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "step_%010lld", static_cast<long long>(step));
  return buf;
}

std::optional<std::int64_t> step_of_dir_name(std::string_view name) {
  constexpr std::string_view prefix = "step_";
  std::int64_t step = 0;
  if (!name.starts_with(prefix) || name.size() < prefix.size() + 10 ||
      name.find_first_not_of("0123456789", prefix.size()) != name.npos ||
      !parse_number(name.substr(prefix.size()), step))
    return std::nullopt;
  return step;
}

bool is_partial_dir_name(std::string_view name) {
  constexpr std::string_view suffix = ".partial";
  return name.starts_with('.') && name.ends_with(suffix) &&
         step_of_dir_name(name.substr(1, name.size() - 1 - suffix.size())).has_value();
}

result<directory_listing> list_directory(const std::filesystem::path& dir) {
  directory_listing out;
  std::error_code ec;
  std::filesystem::directory_iterator it{dir, ec};
  for (; !ec && it != std::filesystem::directory_iterator{}; it.increment(ec)) {
    auto name = it->path().filename().native();
    if (!it->is_directory(ec) || ec)
      continue;
    if (auto step = step_of_dir_name(name))
      out.checkpoints.emplace_back(*step, it->path());
    else if (is_partial_dir_name(name))
      out.partials.push_back(it->path());
  }
  if (ec)
    return io_error("cannot list checkpoint directory", dir, ec.value(),
                    "check that it exists and that you may read it");
  std::sort(out.checkpoints.begin(), out.checkpoints.end(), std::greater<>{});
  return out;
}

} // namespace troupe::actors::detail
