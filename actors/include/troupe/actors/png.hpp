/// @file
/// PNG snapshots of 2-D scalar fields through libpng: the viridis colormap, a value range given
/// or taken from the data, and a scale bar with its minimum and maximum written beside it.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include <Eigen/Core>

#include <troupe/result.hpp>

namespace troupe::actors {

/// An 8-bit sRGB colour.
struct rgb {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;

  friend bool operator==(const rgb&, const rgb&) = default;
};

/// viridis, the perceptually uniform colormap (matplotlib's default): 256 entries from dark
/// purple, (68, 1, 84), to yellow, (253, 231, 37).
const std::array<rgb, 256>& viridis() noexcept;

/// An RGB image, rows from the top, three bytes per pixel.
struct rgb_image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;

  /// A `w × h` image filled with `background`.
  rgb_image(int w, int h, rgb background = {255, 255, 255});

  /// Paints pixel (x, y), counted from the top left, if it lies inside the image.
  void set(int x, int y, rgb colour);

  /// The colour of pixel (x, y), which must lie inside the image.
  [[nodiscard]] rgb at(int x, int y) const;
};

/// How `render_field` draws a field.
struct field_png_options {
  /// The value drawn as viridis' first colour; the field's smallest finite value if absent.
  std::optional<double> min{};
  /// The value drawn as viridis' last colour; the field's largest finite value if absent.
  std::optional<double> max{};
  /// Each point becomes a square of this many pixels a side (at least 1).
  int cell_pixels = 1;
  /// Draws the scale bar right of the field.
  bool scale_bar = true;
};

/// Where `render_field` puts the scale bar: `gap` pixels right of the field, `width` pixels
/// wide, as tall as the image (which is at least `min_height` pixels tall when it has a bar),
/// the maximum's colour at the top and the minimum's at the bottom. The maximum is written
/// right of the bar's top, the minimum right of its bottom, in black.
struct scale_bar_layout {
  static constexpr int gap = 8;
  static constexpr int width = 16;
  static constexpr int min_height = 64;
  static constexpr int label_gap = 4;
};

/// Draws `values` (`values(i, j)` at x index `i`, y index `j`, as in `image_field`) with
/// viridis: x to the right, y upwards (row 0 of the image holds the largest `j`), at the top
/// left of the image. A value at or below the range's minimum gets viridis' first colour, at
/// or above its maximum the last; NaN is drawn grey (128, 128, 128). Errors: an empty field, a
/// range that is not finite with min < max, a field with no finite value and no range given.
result<rgb_image> render_field(const Eigen::ArrayXXd& values,
                               const field_png_options& options = {});

/// Writes `image` to `file` as an 8-bit RGB PNG through libpng, under a temporary name renamed
/// into place when complete; missing parent directories are created.
result<void> write_png(const std::filesystem::path& file, const rgb_image& image);

/// `render_field` then `write_png`.
result<void> write_png(const std::filesystem::path& file, const Eigen::ArrayXXd& values,
                       const field_png_options& options = {});

} // namespace troupe::actors
