// The numerics examples, run as programs and checked against reference values.
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#ifdef TROUPE_EXAMPLE_BESSEL_TABLE
#include <png.h>
#endif

namespace {

// Runs `command` through the shell; returns its stdout and sets `status` to its exit code.
[[maybe_unused]] std::string run(const std::string& command, int& status) {
  std::string out;
  auto* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf;
  while (auto n = std::fread(buf.data(), 1, buf.size(), pipe))
    out.append(buf.data(), n);
  auto rc = pclose(pipe);
  status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

[[maybe_unused]] std::string first_line(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

// J0(x) = (1/pi) ∫_0^pi cos(x sin t) dt by the trapezoid rule: the integrand is analytic and
// pi-periodic, so 256 points leave an error far below 1e-15 for x <= 100 (it decays like
// J_512(x)). An independent reference for the C library's j0.
[[maybe_unused]] double j0_by_quadrature(double x) {
  constexpr int points = 256;
  double sum = 0;
  for (int k = 0; k < points; ++k)
    sum += std::cos(x * std::sin(std::numbers::pi * k / points));
  return sum / points;
}

} // namespace

#ifdef TROUPE_EXAMPLE_PI
TEST_CASE("pi prints the same digits for --threads 1, 2 and 4", "[numerics][examples]") {
  std::vector<std::string> estimates;
  for (int threads : {1, 2, 4}) {
    int status = 0;
    auto out = run(std::string{TROUPE_EXAMPLE_PI} + " --samples 10000000 --seed 7 --threads " +
                       std::to_string(threads),
                   status);
    REQUIRE(status == 0);
    estimates.push_back(first_line(out));
  }
  CHECK(estimates[0] == estimates[1]);
  CHECK(estimates[0] == estimates[2]);
  // "pi ~ 3.141xxxxxxxxx": at least 10 significant digits, within 5 standard errors of pi
  // (the standard error of 4·hits/n is 4·sqrt(p(1-p)/n) = 5.2e-4 for n = 1e7).
  REQUIRE(estimates[0].rfind("pi ~ ", 0) == 0);
  auto digits = estimates[0].substr(5);
  CHECK(digits.size() >= 11);
  CHECK(std::abs(std::stod(digits) - std::numbers::pi) < 5 * 5.2e-4);
}

TEST_CASE("pi answers --help and rejects zero samples", "[numerics][examples]") {
  int status = 0;
  auto help = run(std::string{TROUPE_EXAMPLE_PI} + " --help", status);
  CHECK(status == 0);
  CHECK_THAT(help, Catch::Contains("--samples") && Catch::Contains("--seed"));
  run(std::string{TROUPE_EXAMPLE_PI} + " --samples 0 2>/dev/null", status);
  CHECK(status != 0);
}
#endif

#ifdef TROUPE_EXAMPLE_MATRIX_INVERSE
TEST_CASE("matrix-inverse prints inv(A) as NumPy does and A @ inv(A) within 1e-15 of I",
          "[numerics][examples]") {
  int status = 0;
  auto out = run(TROUPE_EXAMPLE_MATRIX_INVERSE, status);
  REQUIRE(status == 0);
  // numpy 1.24: print(np.linalg.inv(np.array([[1,2,4],[2,5,3],[7,8,9]], dtype=float)))
  CHECK_THAT(out, Catch::Contains("inv(A) =\n"
                                  "[[-0.42857143 -0.28571429  0.28571429]\n"
                                  " [-0.06122449  0.3877551  -0.10204082]\n"
                                  " [ 0.3877551  -0.12244898 -0.02040816]]\n"));
  CHECK_THAT(out, Catch::Contains("A =\n[[1. 2. 4.]\n [2. 5. 3.]\n [7. 8. 9.]]\n"));
  auto at = out.find("max |A @ inv(A) - I| = ");
  REQUIRE(at != std::string::npos);
  auto deviation = std::stod(out.substr(at + 23));
  CHECK(deviation <= 1e-15);
}
#endif

#ifdef TROUPE_EXAMPLE_BESSEL_TABLE
TEST_CASE("bessel-table prints J0 on 0, 0.1, ..., 99.9 within 1e-13 of a quadrature reference",
          "[numerics][examples]") {
  int status = 0;
  auto out = run(TROUPE_EXAMPLE_BESSEL_TABLE, status);
  REQUIRE(status == 0);
  std::istringstream lines{out};
  std::string line;
  std::getline(lines, line);
  CHECK(line == "x,J0");
  int rows = 0;
  double worst = 0;
  while (std::getline(lines, line)) {
    auto comma = line.find(',');
    REQUIRE(comma != std::string::npos);
    auto x = std::stod(line.substr(0, comma));
    auto j0 = std::stod(line.substr(comma + 1));
    REQUIRE(x == static_cast<double>(rows) / 10.0);
    worst = std::max(worst, std::abs(j0 - j0_by_quadrature(x)));
    ++rows;
  }
  CHECK(rows == 1000);
  CHECK(worst < 1e-13);
  // Spot values from Abramowitz & Stegun, table 9.1.
  CHECK_THAT(out, Catch::Contains("\n1,0.765197686557966") && Catch::Contains("\n0,1\n"));
}

TEST_CASE("bessel-table --plot writes a valid PNG with the curve drawn", "[numerics][examples]") {
  auto path = std::string{"bessel-table-test.png"};
  std::remove(path.c_str());
  int status = 0;
  run(std::string{TROUPE_EXAMPLE_BESSEL_TABLE} + " --plot " + path + " > /dev/null", status);
  REQUIRE(status == 0);
  // Decoded by libpng, which checks the signature, every chunk's CRC and the zlib stream.
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  auto began = png_image_begin_read_from_file(&png, path.c_str());
  INFO("libpng: " << png.message);
  REQUIRE(began != 0);
  CHECK(png.format == PNG_FORMAT_RGB);
  const std::uint32_t width = png.width, height = png.height;
  REQUIRE(width == 1080);
  REQUIRE(height == 400);
  png.format = PNG_FORMAT_RGB;
  std::vector<unsigned char> rgb(PNG_IMAGE_SIZE(png));
  auto finished = png_image_finish_read(&png, nullptr, rgb.data(), 0, nullptr);
  INFO("libpng: " << png.message);
  REQUIRE(finished != 0);
  // The curve is drawn in blue: it must touch every one of the 1000 data columns.
  int columns_with_curve = 0;
  for (std::uint32_t x = 40; x < 1040; ++x) {
    bool blue = false;
    for (std::uint32_t y = 0; y < height && !blue; ++y) {
      auto* p = &rgb[(y * width + x) * 3];
      blue = p[0] == 20 && p[1] == 60 && p[2] == 200;
    }
    columns_with_curve += blue ? 1 : 0;
  }
  CHECK(columns_with_curve == 1000);
  std::remove(path.c_str());
}
#endif
