#include "output.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include <troupe/actors/field.hpp>
#include <troupe/actors/png.hpp>

namespace heat2d {

namespace ta = troupe::actors;

troupe::result<output> output::open(const params& p, std::int64_t first) {
  std::filesystem::path dir{p.out};
  // A restart after step k keeps step k's files: they were written before its checkpoint.
  auto from = first == 0 ? 0 : first + 1;
  auto vti = ta::vti_series::open(dir, "heat2d", from);
  if (!vti)
    return vti.error();
  auto csv = ta::csv_series::open(dir / "heat2d.csv", {}, from);
  if (!csv)
    return csv.error();
  ta::image_geometry g{.origin = {hx(p), hy(p)}, .spacing = {hx(p), hy(p)}};
  return output{std::move(dir), std::move(*vti), std::move(*csv), g};
}

troupe::result<void> output::write(std::int64_t step, double time, const Eigen::ArrayXXd& field) {
  if (auto ok = vti_.write(step, time, geometry_, {{"T", field}}); !ok)
    return ok.error();
  char name[64];
  std::snprintf(name, sizeof name, "heat2d_%06" PRId64 ".png", step);
  last_png_ = dir_ / name;
  // A fixed range over the series, so that snapshots compare by colour.
  ta::field_png_options opts{.min = 0.0,
                             .max = 1.0,
                             .cell_pixels = std::max<int>(
                                 1, 512 / static_cast<int>(std::max(field.rows(), field.cols())))};
  return ta::write_png(last_png_, field, opts);
}

troupe::result<void> output::residual(std::int64_t step, double time, double value) {
  return csv_.write(step, time, value, {});
}

std::filesystem::path output::pvd() const {
  return dir_ / "heat2d.pvd";
}

void report(const params& p, const ta::tile_layout& layout, const Eigen::ArrayXXd& field,
            double residual, double seconds, std::int64_t first, const output* out) {
  std::printf("heat2d: %s, %" PRId64 " steps of dt %.6g, alpha %.6g, init %s\n",
              layout.describe().c_str(), p.steps, p.dt, p.alpha, p.init.c_str());
  std::printf("steps: %" PRId64 "\n", p.steps);
  std::printf("checksum: %016" PRIx64 "\n", ta::field_checksum(field));
  std::printf("residual: %.17g\n", residual);
  if (p.init == "sine") {
    double worst = 0;
    for (Eigen::Index y = 0; y < field.cols(); ++y)
      for (Eigen::Index x = 0; x < field.rows(); ++x)
        worst = std::max(worst, std::abs(field(x, y) - discrete_exact_sine(p, x, y, p.steps)));
    std::printf("max error vs discrete exact: %.3e\n", worst);
  }
  auto updates =
      static_cast<double>(p.nx) * static_cast<double>(p.ny) * static_cast<double>(p.steps - first);
  std::printf("time: %.3f s\n", seconds);
  std::printf("cell updates/s: %.4g\n", seconds > 0 ? updates / seconds : 0.0);
  if (out != nullptr)
    std::printf("output: %s (ParaView), %s (last PNG), %s\n", out->pvd().c_str(),
                out->last_png().c_str(), (out->pvd().parent_path() / "heat2d.csv").c_str());
  std::fflush(stdout);
}

} // namespace heat2d
