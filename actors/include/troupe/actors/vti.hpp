/// @file
/// VTK XML ImageData (`.vti`) files of 2-D scalar fields, and the `.pvd` collection that makes a
/// series of them one time-dependent data set in ParaView.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include <troupe/result.hpp>

namespace troupe::actors {

/// Where a 2-D field's points lie: point (i, j) is at (origin[0] + i·spacing[0],
/// origin[1] + j·spacing[1], 0).
struct image_geometry {
  std::array<double, 2> origin{0.0, 0.0};
  /// Distance between neighbouring points along x and y; both positive.
  std::array<double, 2> spacing{1.0, 1.0};
};

/// One named scalar field of an image. `values(i, j)` is the value at x index `i` (the row) and
/// y index `j` (the column): an `nx × ny` array. Eigen's column-major storage then holds the
/// points with x varying fastest, VTK's point order, so the data is written as it lies.
struct image_field {
  std::string_view name;
  const Eigen::ArrayXXd& values;
};

/// Writes `fields` (at least one, all of the same shape, distinct non-empty names) as the point
/// data of one `.vti` file: XML header, then the arrays as raw little-endian Float64 in an
/// appended block, each behind a UInt64 byte count. The first field is the active scalar.
/// The file appears complete or not at all (it is written beside and renamed); missing parent
/// directories are created. Errors name the path or the field and what to do. Blocks the
/// calling thread for the write.
result<void> write_vti(const std::filesystem::path& file, const image_geometry& geometry,
                       std::span<const image_field> fields);

/// `write_vti` for a list written in place: `write_vti(f, g, {{"T", t}, {"q", q}})`.
inline result<void> write_vti(const std::filesystem::path& file, const image_geometry& geometry,
                              std::initializer_list<image_field> fields) {
  return write_vti(file, geometry, std::span{fields.begin(), fields.size()});
}

/// A time series of `.vti` files in one directory plus the `.pvd` collection that lists them
/// (`<dir>/<name>.pvd`, files `<name>_<step>.vti`), so ParaView opens the whole series with
/// its time values. The `.pvd` is rewritten complete after every step, so it is valid whenever
/// a reader looks, even if the run is killed.
///
///     auto out = vti_series::open("out", "heat").value();
///     for (std::int64_t step = 0; step <= steps; step += every)
///       if (auto r = out.write(step, step * dt, geometry, {{"T", field}}); !r)
///         return fail(r.error());
class vti_series {
public:
  /// Opens the series `name` in `dir`, creating `dir` if missing. Steps from `first_step` on
  /// start afresh: a new run passes 0 (an old `.pvd` of that name is replaced at the first
  /// write), a run restarted at step k passes k and keeps the earlier steps that an existing
  /// `.pvd` lists and whose files still exist. `name` may hold letters, digits, `_`, `-`, `.`.
  static result<vti_series> open(std::filesystem::path dir, std::string name,
                                 std::int64_t first_step = 0);

  /// Writes the files of `step` at simulation time `time`, then the `.pvd` listing it (after
  /// the steps before it; entries at or after `step` are replaced). Returns the `.vti` path.
  result<std::filesystem::path> write(std::int64_t step, double time,
                                      const image_geometry& geometry,
                                      std::span<const image_field> fields);

  /// `write` for a list written in place.
  result<std::filesystem::path> write(std::int64_t step, double time,
                                      const image_geometry& geometry,
                                      std::initializer_list<image_field> fields) {
    return write(step, time, geometry, std::span{fields.begin(), fields.size()});
  }

  /// The collection file, `<dir>/<name>.pvd`.
  [[nodiscard]] std::filesystem::path pvd_path() const;

  /// The steps the collection lists, in order.
  [[nodiscard]] std::vector<std::int64_t> steps() const;

private:
  struct entry {
    std::int64_t step;
    double time;
    std::string file;
  };

  vti_series(std::filesystem::path dir, std::string name, std::vector<entry> kept);

  result<void> write_pvd() const;

  std::filesystem::path dir_;
  std::string name_;
  std::vector<entry> entries_;
};

} // namespace troupe::actors
