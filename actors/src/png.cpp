#include <troupe/actors/png.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include <png.h>

#include "internal/glyphs.hpp"
#include "internal/output_file.hpp"

namespace troupe::actors {

namespace {

using detail::invalid_argument;
using detail::round_trip;

constexpr rgb nan_colour{128, 128, 128};
constexpr rgb label_colour{0, 0, 0};

std::string shape(const Eigen::ArrayXXd& values) {
  return std::to_string(values.rows()) + "×" + std::to_string(values.cols());
}

std::string label(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// The index into viridis of `v` on [lo, hi]: 256 equal bins, the ends clamped. A constant
// field (lo == hi) divides 0 by 0: its NaN goes to the first bin.
int bin(double v, double lo, double hi) {
  auto t = (v - lo) / (hi - lo) * 256.0;
  if (!(t > 0))
    return 0;
  return t >= 255 ? 255 : static_cast<int>(t);
}

void draw_bar(rgb_image& image, int x0, const std::string& lo, const std::string& hi) {
  using layout = scale_bar_layout;
  for (int y = 0; y < image.height; ++y) {
    auto colour = viridis()[static_cast<std::size_t>(image.height - 1 - y) * 255 /
                            static_cast<std::size_t>(image.height - 1)];
    for (int x = x0; x < x0 + layout::width; ++x)
      image.set(x, y, colour);
  }
  int scale = image.height >= 200 ? 2 : 1;
  int text_x = x0 + layout::width + layout::label_gap;
  detail::draw_text(image, text_x, 0, hi, scale, label_colour);
  detail::draw_text(image, text_x, image.height - detail::text_height(scale), lo, scale,
                    label_colour);
}

} // namespace

rgb_image::rgb_image(int w, int h, rgb background)
  : width(w)
  , height(h)
  , pixels(static_cast<std::size_t>(std::max(w, 0)) * std::max(h, 0) * 3) {
  for (std::size_t i = 0; i < pixels.size(); i += 3) {
    pixels[i] = background.r;
    pixels[i + 1] = background.g;
    pixels[i + 2] = background.b;
  }
}

void rgb_image::set(int x, int y, rgb colour) {
  if (x < 0 || y < 0 || x >= width || y >= height)
    return;
  auto* p = &pixels[(static_cast<std::size_t>(y) * width + x) * 3];
  p[0] = colour.r;
  p[1] = colour.g;
  p[2] = colour.b;
}

rgb rgb_image::at(int x, int y) const {
  const auto* p = &pixels[(static_cast<std::size_t>(y) * width + x) * 3];
  return {p[0], p[1], p[2]};
}

result<rgb_image> render_field(const Eigen::ArrayXXd& values, const field_png_options& options) {
  if (values.size() == 0)
    return invalid_argument("png: the field is empty (" + shape(values) +
                            "); draw a field with at least one point");
  int c = options.cell_pixels;
  constexpr Eigen::Index max_side = 1 << 15;
  if (c < 1 || values.rows() * c > max_side || values.cols() * c > max_side)
    return invalid_argument("png: a " + shape(values) + " field at cell_pixels " +
                            std::to_string(c) + " does not give an image of 1 to " +
                            std::to_string(max_side) + " pixels a side; change cell_pixels");
  auto finite = values.isFinite();
  if (!finite.any() && !(options.min && options.max))
    return invalid_argument("png: the field (" + shape(values) +
                            ") holds no finite value; give the range (min and max) explicitly");
  auto inf = std::numeric_limits<double>::infinity();
  double lo = options.min.value_or(finite.select(values, inf).minCoeff());
  double hi = options.max.value_or(finite.select(values, -inf).maxCoeff());
  bool given = options.min || options.max;
  if (!(std::isfinite(lo) && std::isfinite(hi) && (lo < hi || (lo == hi && !given)) &&
        std::isfinite(hi - lo)))
    return invalid_argument("png: the value range [" + round_trip(lo) + ", " + round_trip(hi) +
                            "] is not finite with min < max; give min and max that are");

  auto nx = static_cast<int>(values.rows()), ny = static_cast<int>(values.cols());
  int field_w = nx * c, field_h = ny * c;
  auto lo_text = label(lo), hi_text = label(hi);
  int width = field_w, height = field_h;
  if (options.scale_bar) {
    using layout = scale_bar_layout;
    height = std::max(field_h, layout::min_height);
    int scale = height >= 200 ? 2 : 1;
    width += layout::gap + layout::width + layout::label_gap +
             std::max(detail::text_width(lo_text, scale), detail::text_width(hi_text, scale));
  }
  rgb_image image{width, height};
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      double v = values(i, j);
      auto colour = std::isnan(v) ? nan_colour : viridis()[bin(v, lo, hi)];
      for (int dy = 0; dy < c; ++dy)
        for (int dx = 0; dx < c; ++dx)
          image.set(i * c + dx, (ny - 1 - j) * c + dy, colour);
    }
  if (options.scale_bar)
    draw_bar(image, field_w + scale_bar_layout::gap, lo_text, hi_text);
  return image;
}

result<void> write_png(const std::filesystem::path& file, const rgb_image& image) {
  if (image.width < 1 || image.height < 1 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * 3)
    return invalid_argument("png '" + file.string() + "': the image is " +
                            std::to_string(image.width) + "×" + std::to_string(image.height) +
                            " with " + std::to_string(image.pixels.size()) +
                            " bytes; it needs a positive size and 3 bytes a pixel");
  return detail::write_atomically(file, [&](std::FILE* f) {
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    png.width = static_cast<png_uint_32>(image.width);
    png.height = static_cast<png_uint_32>(image.height);
    png.format = PNG_FORMAT_RGB;
    bool ok = png_image_write_to_stdio(&png, f, 0, image.pixels.data(), 0, nullptr) != 0;
    png_image_free(&png);
    if (!ok && errno == 0)
      errno = EIO;
    return ok;
  });
}

result<void> write_png(const std::filesystem::path& file, const Eigen::ArrayXXd& values,
                       const field_png_options& options) {
  auto image = render_field(values, options);
  if (!image)
    return invalid_argument(image.error().message() + " (writing '" + file.string() + "')");
  return write_png(file, *image);
}

} // namespace troupe::actors
