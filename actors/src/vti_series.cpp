#include <troupe/actors/vti.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <fstream>

#include "internal/output_file.hpp"

namespace troupe::actors {

namespace fs = std::filesystem;

namespace {

bool valid_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '_' || c == '-' || c == '.';
         });
}

std::string file_of(const std::string& name, std::int64_t step) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%06" PRId64, step);
  return name + "_" + digits + ".vti";
}

// The text of attribute `key` in `line`, or empty.
std::string_view attribute(std::string_view line, std::string_view key) {
  auto at = line.find(" " + std::string{key} + "=\"");
  if (at == std::string_view::npos)
    return {};
  at += key.size() + 3;
  auto end = line.find('"', at);
  return end == std::string_view::npos ? std::string_view{} : line.substr(at, end - at);
}

template <class T>
bool parse(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size() && !s.empty();
}

} // namespace

vti_series::vti_series(fs::path dir, std::string name, std::vector<entry> kept)
  : dir_(std::move(dir))
  , name_(std::move(name))
  , entries_(std::move(kept)) {
}

result<vti_series> vti_series::open(fs::path dir, std::string name, std::int64_t first_step) {
  if (!valid_name(name))
    return detail::invalid_argument("vti series name '" + name +
                                    "' is not a plain file name; use letters, digits, _ - .");
  if (auto made = detail::make_directory(dir); !made)
    return made.error();
  // Kept: the steps before `first_step` that an existing collection in our own format lists and
  // whose files still exist. Anything else in it, or a collection we cannot read, is dropped.
  std::vector<entry> kept;
  std::ifstream in{dir / (name + ".pvd")};
  for (std::string line; first_step > 0 && std::getline(in, line);) {
    if (line.find("<DataSet ") == std::string::npos)
      continue;
    auto file = std::string{attribute(line, "file")};
    entry e{0, 0.0, file};
    auto prefix = name + "_";
    if (!file.starts_with(prefix) || !file.ends_with(".vti") ||
        !parse(std::string_view{file}.substr(prefix.size(), file.size() - prefix.size() - 4),
               e.step) ||
        !parse(attribute(line, "timestep"), e.time) || file != file_of(name, e.step))
      continue;
    std::error_code ec;
    if (e.step < first_step && (kept.empty() || kept.back().step < e.step) &&
        fs::is_regular_file(dir / file, ec))
      kept.push_back(std::move(e));
  }
  return vti_series{std::move(dir), std::move(name), std::move(kept)};
}

result<fs::path> vti_series::write(std::int64_t step, double time, const image_geometry& geometry,
                                   std::span<const image_field> fields) {
  if (step < 0)
    return detail::invalid_argument("vti series '" + name_ + "': step " + std::to_string(step) +
                                    " is negative; steps count from 0");
  auto file = file_of(name_, step);
  if (auto written = write_vti(dir_ / file, geometry, fields); !written)
    return written.error();
  std::erase_if(entries_, [&](const entry& e) { return e.step >= step; });
  entries_.push_back({step, time, file});
  if (auto listed = write_pvd(); !listed)
    return listed.error();
  return dir_ / file;
}

result<void> vti_series::write_pvd() const {
  std::string text = "<?xml version=\"1.0\"?>\n"
                     "<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
                     "  <Collection>\n";
  for (const auto& e : entries_)
    text += "    <DataSet timestep=\"" + detail::round_trip(e.time) + "\" group=\"\" part=\"0\" " +
            "file=\"" + e.file + "\"/>\n";
  text += "  </Collection>\n</VTKFile>\n";
  return detail::write_atomically(pvd_path(), [&](std::FILE* f) {
    return std::fwrite(text.data(), 1, text.size(), f) == text.size();
  });
}

fs::path vti_series::pvd_path() const {
  return dir_ / (name_ + ".pvd");
}

std::vector<std::int64_t> vti_series::steps() const {
  std::vector<std::int64_t> out;
  for (const auto& e : entries_)
    out.push_back(e.step);
  return out;
}

} // namespace troupe::actors
