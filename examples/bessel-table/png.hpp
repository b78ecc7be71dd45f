// A minimal PNG writer: 8-bit RGB, one zlib-compressed IDAT chunk, no filters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

/// An RGB image, row by row from the top, three bytes per pixel.
struct rgb_image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;

  rgb_image(int w, int h)
    : width(w)
    , height(h)
    , pixels(static_cast<std::size_t>(w) * h * 3, 255) {
  }

  /// Paints pixel (x, y) if it lies inside the image.
  void set(int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    if (x < 0 || y < 0 || x >= width || y >= height)
      return;
    auto* p = &pixels[(static_cast<std::size_t>(y) * width + x) * 3];
    p[0] = r;
    p[1] = g;
    p[2] = b;
  }
};

/// Writes `image` to `path` as a PNG; returns an empty string or what went wrong.
std::string write_png(const std::string& path, const rgb_image& image);
