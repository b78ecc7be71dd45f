// The PNG snapshots, decoded with libpng and checked pixel by pixel.
#include <troupe/actors/png.hpp>

#include <cmath>
#include <limits>
#include <ostream>

#include <catch2/catch.hpp>
#include <png.h>

#include "output_support.hpp"

namespace troupe::actors {

// For Catch's messages.
std::ostream& operator<<(std::ostream& out, const rgb& c) {
  return out << '(' << int{c.r} << ", " << int{c.g} << ", " << int{c.b} << ')';
}

} // namespace troupe::actors

using namespace troupe::actors;
using troupe::test::scratch_dir;

namespace {

// viridis' ends and middle, as published (matplotlib's _viridis_data rounded to 8 bits).
constexpr rgb dark{68, 1, 84}, middle{33, 145, 140}, yellow{253, 231, 37};
constexpr rgb black{0, 0, 0}, white{255, 255, 255};

// `file` decoded by libpng as 8-bit RGB.
rgb_image decode(const std::filesystem::path& file) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  INFO("decoding " << file);
  auto began = png_image_begin_read_from_file(&png, file.c_str());
  INFO("libpng: " << png.message);
  REQUIRE(began != 0);
  CHECK(png.format == PNG_FORMAT_RGB);
  png.format = PNG_FORMAT_RGB;
  rgb_image image{static_cast<int>(png.width), static_cast<int>(png.height)};
  REQUIRE(image.pixels.size() == PNG_IMAGE_SIZE(png));
  auto finished = png_image_finish_read(&png, nullptr, image.pixels.data(), 0, nullptr);
  INFO("libpng: " << png.message);
  REQUIRE(finished != 0);
  return image;
}

// A 4×3 field from -2 at (0, 0) to 5 at (3, 2), 1.5 (the middle) at (1, 1).
Eigen::ArrayXXd ramp() {
  Eigen::ArrayXXd f(4, 3);
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 4; ++i)
      f(i, j) = -2.0 + 7.0 * (i + 4 * j) / 11.0;
  f(1, 1) = 1.5;
  return f;
}

// How many pixels of `colour` lie in rows [y0, y1) from column x0 on.
int count(const rgb_image& image, int x0, int y0, int y1, rgb colour) {
  int n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < image.width; ++x)
      n += image.at(x, y) == colour ? 1 : 0;
  return n;
}

} // namespace

TEST_CASE("write_png draws the minimum dark purple and the maximum yellow, y upwards",
          "[actors][png]") {
  scratch_dir dir;
  auto file = dir / "ramp.png";
  REQUIRE(write_png(file, ramp(), {.cell_pixels = 2}).has_value());
  CHECK(!std::filesystem::exists(dir / "ramp.png.partial"));
  auto image = decode(file);
  CHECK(image.height == scale_bar_layout::min_height);
  CHECK(image.width > 8 + scale_bar_layout::gap + scale_bar_layout::width);
  // Point (i, j) covers pixels x in [2i, 2i + 2), y in [2(2 - j), 2(2 - j) + 2).
  CHECK(image.at(0, 4) == dark);
  CHECK(image.at(1, 5) == dark);
  CHECK(image.at(6, 0) == yellow);
  CHECK(image.at(7, 1) == yellow);
  CHECK(image.at(2, 2) == middle);
  CHECK(image.at(0, 6) == white); // Below the field: the bar is taller.
}

TEST_CASE("write_png's scale bar runs from the maximum's colour down to the minimum's, labelled",
          "[actors][png]") {
  scratch_dir dir;
  REQUIRE(write_png(dir / "bar.png", ramp()).has_value());
  auto image = decode(dir / "bar.png");
  const int bar = 4 + scale_bar_layout::gap + scale_bar_layout::width / 2;
  const int h = image.height;
  CHECK(image.at(bar, 0) == yellow);
  CHECK(image.at(bar, h - 1) == dark);
  int steps_down = 0, position = 255;
  for (int y = 0; y < h; ++y) {
    auto at = std::find(viridis().begin(), viridis().end(), image.at(bar, y)) - viridis().begin();
    steps_down += at <= position ? 1 : 0;
    position = static_cast<int>(at);
  }
  CHECK(steps_down == h);
  // Labels, in black right of the bar: "5" at the top, "-2" at the bottom, nothing between.
  const int labels = 4 + scale_bar_layout::gap + scale_bar_layout::width;
  CHECK(count(image, labels, 0, 7, black) > 5);
  CHECK(count(image, labels, h - 7, h, black) > count(image, labels, 0, 7, black));
  CHECK(count(image, labels, 7, h - 7, black) == 0);
  CHECK(count(image, 0, 0, h, black) == count(image, labels, 0, h, black));

  REQUIRE(write_png(dir / "plain.png", ramp(), {.scale_bar = false}).has_value());
  auto plain = decode(dir / "plain.png");
  CHECK(plain.width == 4);
  CHECK(plain.height == 3);
  CHECK(count(plain, 0, 0, 3, black) == 0);
}

TEST_CASE("render_field uses a given range, clamps beyond it, and draws NaN grey",
          "[actors][png]") {
  Eigen::ArrayXXd f(4, 1);
  f << -30.0, 0.0, 5.0, std::numeric_limits<double>::quiet_NaN();
  auto image = render_field(f, {.min = -10.0, .max = 10.0, .scale_bar = false});
  REQUIRE(image.has_value());
  CHECK(image->at(0, 0) == dark);
  CHECK(image->at(1, 0) == viridis()[128]);
  CHECK(image->at(2, 0) == viridis()[192]);
  CHECK(image->at(3, 0) == rgb{128, 128, 128});
  CHECK(viridis()[128] == middle);

  // Without a range, NaN does not take part in it: -30 is the minimum and 5 the maximum.
  auto own = render_field(f, {.scale_bar = false});
  REQUIRE(own.has_value());
  CHECK(own->at(0, 0) == dark);
  CHECK(own->at(2, 0) == yellow);
}

TEST_CASE("write_png refuses an empty field, a bad range and an unwritable directory, naming them",
          "[actors][png]") {
  scratch_dir dir;
  auto refused = [](troupe::result<void> r, const std::string& says) {
    REQUIRE(!r.has_value());
    CHECK_THAT(r.error().message(), Catch::Contains(says));
  };
  refused(write_png(dir / "e.png", Eigen::ArrayXXd(0, 3)), "the field is empty (0×3)");
  refused(write_png(dir / "r.png", ramp(), {.min = 1.0, .max = 1.0}), "min < max");
  refused(write_png(dir / "c.png", ramp(), {.cell_pixels = 0}), "cell_pixels");
  Eigen::ArrayXXd nan = Eigen::ArrayXXd::Constant(2, 2, std::nan(""));
  refused(write_png(dir / "n.png", nan), "no finite value");
  CHECK(std::filesystem::is_empty(dir.path()));

  std::ofstream{dir / "blocker"} << "a file where a directory is wanted\n";
  auto bad = dir / "blocker" / "pngs";
  auto written = write_png(bad / "f.png", ramp());
  REQUIRE(!written.has_value());
  CHECK(written.error().code() == std::errc::not_a_directory);
  CHECK_THAT(written.error().message(),
             Catch::Contains("cannot create output directory '" + bad.string() + "'"));
}
