// bessel-table: J0(x) for x = 0, 0.1, ..., 99.9 as CSV (x,J0), computed over the node's pool;
// --plot FILE also draws the curve as a PNG.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <Eigen/Core>

#include <troupe/actors/png.hpp>
#include <troupe/numerics/special.hpp>
#include <troupe/troupe.hpp>

namespace {

using troupe::actors::rgb;
using troupe::actors::rgb_image;

std::string shortest(double x) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, x);
  return {buf, r.ptr};
}

void line(rgb_image& img, int x0, int y0, int x1, int y1, rgb colour) {
  // Bresenham, drawn two pixels thick.
  int dx = std::abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
  int dy = -std::abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
  int err = dx + dy;
  for (;;) {
    img.set(x0, y0, colour);
    img.set(x0, y0 + 1, colour);
    if (x0 == x1 && y0 == y1)
      break;
    int e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

// One pixel column per sample; y from -0.5 (bottom) to 1.05 (top); axes and a tick every 10.
troupe::result<void> plot(const Eigen::ArrayXd& x, const Eigen::ArrayXd& y,
                          const std::string& path) {
  constexpr int margin = 40, height = 400;
  const int width = static_cast<int>(x.size()) + 2 * margin;
  constexpr double y_lo = -0.5, y_hi = 1.05;
  rgb_image img{width, height};
  auto py = [&](double v) {
    return margin +
           static_cast<int>(std::lround((y_hi - v) / (y_hi - y_lo) * (height - 2 * margin)));
  };
  line(img, margin, py(0.0), width - margin, py(0.0), {160, 160, 160});
  line(img, margin, py(y_lo), margin, py(y_hi), {0, 0, 0});
  for (Eigen::Index i = 0; i < x.size(); i += 100)
    line(img, margin + static_cast<int>(i), py(0.0) - 4, margin + static_cast<int>(i), py(0.0) + 4,
         {0, 0, 0});
  for (Eigen::Index i = 1; i < x.size(); ++i)
    line(img, margin + static_cast<int>(i - 1), py(y[i - 1]), margin + static_cast<int>(i),
         py(y[i]), {20, 60, 200});
  return troupe::actors::write_png(path, img);
}

} // namespace

int main(int argc, char** argv) {
  troupe::node_config cfg{"bessel-table",
                          "Prints J0(x) for x = 0, 0.1, ..., 99.9 as CSV; --plot FILE draws it."};
  std::string plot_path;
  std::string csv_path;
  cfg.option(plot_path, "plot", "also draw the curve into this PNG file");
  cfg.option(csv_path, "csv", "write the CSV to this file instead of stdout");
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    Eigen::ArrayXd x(1000);
    for (Eigen::Index i = 0; i < x.size(); ++i)
      x[i] = static_cast<double>(i) / 10.0;
    auto j0 = troupe::numerics::bessel_j0(n, x).value();

    std::ofstream file;
    if (!csv_path.empty()) {
      file.open(csv_path);
      if (!file) {
        std::cerr << "bessel-table: cannot open --csv " << csv_path << " for writing\n";
        return 1;
      }
    }
    std::ostream& out = csv_path.empty() ? std::cout : file;
    out << "x,J0\n";
    for (Eigen::Index i = 0; i < x.size(); ++i)
      out << shortest(x[i]) << ',' << shortest(j0[i]) << '\n';
    out.flush();
    if (!out) {
      std::cerr << "bessel-table: writing the CSV failed\n";
      return 1;
    }
    if (!plot_path.empty()) {
      if (auto plotted = plot(x, j0, plot_path); !plotted) {
        std::cerr << "bessel-table: --plot: " << plotted.error().message() << "\n";
        return 1;
      }
    }
    return 0;
  });
}
