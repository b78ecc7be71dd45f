#include <troupe/actors/vti.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <set>

#include "internal/output_file.hpp"

namespace troupe::actors {

namespace {

// The file declares byte_order="LittleEndian" and its arrays are written as they lie in memory.
static_assert(std::endian::native == std::endian::little,
              "troupe's .vti writer writes doubles as they lie in memory: little-endian only");

using detail::invalid_argument;
using detail::round_trip;

std::string xml_escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

result<void> check(const std::filesystem::path& file, const image_geometry& geometry,
                   std::span<const image_field> fields) {
  auto where = "vti '" + file.string() + "': ";
  if (fields.empty())
    return invalid_argument(where + "no field given; pass at least one named field");
  for (double s : geometry.spacing)
    if (!(std::isfinite(s) && s > 0))
      return invalid_argument(where + "spacing must be finite and positive (got " + round_trip(s) +
                              ")");
  for (double o : geometry.origin)
    if (!std::isfinite(o))
      return invalid_argument(where + "origin must be finite (got " + round_trip(o) + ")");
  auto rows = fields[0].values.rows(), cols = fields[0].values.cols();
  std::set<std::string_view> names;
  for (const auto& f : fields) {
    auto field = "field '" + std::string{f.name} + "' ";
    if (f.values.size() == 0)
      return invalid_argument(where + field + "is empty (" + std::to_string(f.values.rows()) + "×" +
                              std::to_string(f.values.cols()) +
                              "); write fields with at least one point");
    if (f.values.rows() != rows || f.values.cols() != cols)
      return invalid_argument(where + field + "is " + std::to_string(f.values.rows()) + "×" +
                              std::to_string(f.values.cols()) + " but the first field is " +
                              std::to_string(rows) + "×" + std::to_string(cols) +
                              "; fields of one file share its grid");
    if (f.name.empty())
      return invalid_argument(where + "a field has no name; give every field a name");
    for (unsigned char c : f.name)
      if (c < 0x20)
        return invalid_argument(where + field + "has a control character in its name");
    if (!names.insert(f.name).second)
      return invalid_argument(where + field + "appears twice; field names must be distinct");
  }
  return {};
}

std::string header(const image_geometry& g, std::span<const image_field> fields) {
  auto nx = fields[0].values.rows(), ny = fields[0].values.cols();
  auto extent = "0 " + std::to_string(nx - 1) + " 0 " + std::to_string(ny - 1) + " 0 0";
  std::string h = "<?xml version=\"1.0\"?>\n"
                  "<VTKFile type=\"ImageData\" version=\"1.0\" byte_order=\"LittleEndian\" "
                  "header_type=\"UInt64\">\n";
  h += "  <ImageData WholeExtent=\"" + extent + "\" Origin=\"" + round_trip(g.origin[0]) + " " +
       round_trip(g.origin[1]) + " 0\" Spacing=\"" + round_trip(g.spacing[0]) + " " +
       round_trip(g.spacing[1]) + " 1\">\n";
  h += "    <Piece Extent=\"" + extent + "\">\n";
  h += "      <PointData Scalars=\"" + xml_escaped(fields[0].name) + "\">\n";
  std::uint64_t offset = 0;
  for (const auto& f : fields) {
    h += "        <DataArray type=\"Float64\" Name=\"" + xml_escaped(f.name) +
         "\" NumberOfComponents=\"1\" format=\"appended\" offset=\"" + std::to_string(offset) +
         "\"/>\n";
    offset += sizeof(std::uint64_t) + static_cast<std::uint64_t>(f.values.size()) * sizeof(double);
  }
  h += "      </PointData>\n      <CellData/>\n    </Piece>\n  </ImageData>\n"
       "  <AppendedData encoding=\"raw\">\n   _";
  return h;
}

} // namespace

result<void> write_vti(const std::filesystem::path& file, const image_geometry& geometry,
                       std::span<const image_field> fields) {
  if (auto ok = check(file, geometry, fields); !ok)
    return ok;
  auto head = header(geometry, fields);
  return detail::write_atomically(file, [&](std::FILE* f) {
    if (std::fwrite(head.data(), 1, head.size(), f) != head.size())
      return false;
    for (const auto& field : fields) {
      auto count = static_cast<std::size_t>(field.values.size());
      std::uint64_t bytes = count * sizeof(double);
      if (std::fwrite(&bytes, sizeof bytes, 1, f) != 1 ||
          std::fwrite(field.values.data(), sizeof(double), count, f) != count)
        return false;
    }
    static constexpr std::string_view tail = "\n  </AppendedData>\n</VTKFile>\n";
    return std::fwrite(tail.data(), 1, tail.size(), f) == tail.size();
  });
}

} // namespace troupe::actors
