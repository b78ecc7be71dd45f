// A 5×7 bitmap font for the digits, signs, '.' and 'e' of numbers printed with %g: enough to
// label a scale bar without a font library.
#pragma once

#include <string_view>

#include <troupe/actors/png.hpp>

namespace troupe::actors::detail {

/// Height of a line of text drawn at `scale`, in pixels.
constexpr int text_height(int scale) {
  return 7 * scale;
}

/// Width of `text` drawn at `scale`, in pixels (each character 5 columns and a 1-column space).
constexpr int text_width(std::string_view text, int scale) {
  return static_cast<int>(text.size()) * 6 * scale;
}

/// Draws `text` with its top left at (x, y); characters outside the font are left blank.
void draw_text(rgb_image& image, int x, int y, std::string_view text, int scale, rgb colour);

} // namespace troupe::actors::detail
