// What the checkpoint tests share: a part state with bulk arrays, parts of it as bytes, and
// edits of files on disk that stand for crashes and corruption.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <troupe/actors/checkpoint.hpp>

#include <catch2/catch.hpp>

#include "output_support.hpp"

namespace troupe::test {

/// A tile's state: its step, its field and a vector, through `bulk`.
struct tile_state {
  std::int64_t step = 0;
  Eigen::ArrayXXd field;
  std::vector<double> edge;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tile_state& x) {
  return f(caf::meta::type_name("tile_state"), x.step, actors::bulk(x.field), actors::bulk(x.edge));
}

/// Tile `rank`'s state at `step`: its values depend on both, its size on `rank` (uneven).
inline tile_state make_tile(std::size_t rank, std::int64_t step) {
  tile_state s;
  s.step = step;
  auto rows = static_cast<Eigen::Index>(20 + rank);
  s.field.resize(rows, 13);
  for (Eigen::Index j = 0; j < s.field.cols(); ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      s.field(i, j) =
          1.0 / static_cast<double>(1 + i + 7 * j + 100 * static_cast<Eigen::Index>(rank)) +
          static_cast<double>(step);
  s.edge.assign(5, static_cast<double>(rank) / 3);
  return s;
}

inline bool same_bits(const tile_state& a, const tile_state& b) {
  return a.step == b.step && a.field.rows() == b.field.rows() && a.field.cols() == b.field.cols() &&
         a.edge.size() == b.edge.size() &&
         std::memcmp(a.field.data(), b.field.data(),
                     sizeof(double) * static_cast<std::size_t>(a.field.size())) == 0 &&
         std::memcmp(a.edge.data(), b.edge.data(), sizeof(double) * a.edge.size()) == 0;
}

/// `count` tiles' bytes at `step`.
inline std::vector<actors::part_bytes> tile_parts(std::size_t count, std::int64_t step) {
  std::vector<actors::part_bytes> parts;
  for (std::size_t rank = 0; rank < count; ++rank)
    parts.push_back(actors::to_bytes(make_tile(rank, step)).value());
  return parts;
}

/// heat2d's info at `step`.
inline actors::checkpoint_info heat_info(std::int64_t step, std::string program = "heat2d") {
  return {std::move(program),
          step,
          0.001 * static_cast<double>(step),
          "60x40 cells in 3x1 tiles",
          {{"alpha", 0.1}, {"beta", 1.0 / 3}}};
}

/// Writes heat2d's checkpoint of `step` with 3 tiles into `dir`.
inline std::filesystem::path write_heat(const std::filesystem::path& dir, std::int64_t step,
                                        std::string program = "heat2d") {
  return actors::write_checkpoint(dir, heat_info(step, std::move(program)), tile_parts(3, step))
      .value();
}

/// Replaces the whole content of `file`.
inline void overwrite(const std::filesystem::path& file, const std::string& content) {
  std::ofstream out{file, std::ios::binary | std::ios::trunc};
  out << content;
  REQUIRE(out.good());
}

/// Flips one bit of the byte at `offset` in `file`.
inline void flip_bit(const std::filesystem::path& file, std::size_t offset) {
  auto content = slurp(file);
  REQUIRE(offset < content.size());
  content[offset] = static_cast<char>(content[offset] ^ 0x10);
  overwrite(file, content);
}

/// The names in `dir`, sorted.
inline std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator{dir})
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace troupe::test
