#include "heat2d.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <numbers>
#include <sstream>

namespace heat2d {

namespace {

std::string text(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

// The shortest text that reads back as `x`, bit for bit.
std::string exact(double x) {
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, x).ptr;
  return {buf, end};
}

troupe::error bad(const std::string& message) {
  return troupe::error{troupe::errc::bad_option, message};
}

} // namespace

double stability_number(const params& p, double dt) {
  return p.alpha * dt * (1.0 / (hx(p) * hx(p)) + 1.0 / (hy(p) * hy(p)));
}

troupe::result<troupe::actors::tile_layout> check(params& p) {
  if (p.nx <= 0 || p.ny <= 0)
    return bad("--nx and --ny must be positive (got " + std::to_string(p.nx) + " and " +
               std::to_string(p.ny) + ")");
  if (p.tiles_x <= 0 || p.tiles_y <= 0)
    return bad("--tiles-x and --tiles-y must be positive (got " + std::to_string(p.tiles_x) +
               " and " + std::to_string(p.tiles_y) + ")");
  if (p.tiles_x > p.nx || p.tiles_y > p.ny)
    return bad("more tiles than cells: --tiles-x " + std::to_string(p.tiles_x) + " --tiles-y " +
               std::to_string(p.tiles_y) + " for --nx " + std::to_string(p.nx) + " --ny " +
               std::to_string(p.ny) + "; use fewer tiles");
  if (p.steps < 0)
    return bad("--steps must be at least 0 (got " + std::to_string(p.steps) + ")");
  if (!(p.alpha > 0) || !std::isfinite(p.alpha))
    return bad("--alpha must be a positive number (got " + text(p.alpha) + ")");
  auto limit = 0.5 / stability_number(p, 1.0);
  if (p.dt == 0)
    p.dt = 0.9 * limit;
  if (!(p.dt > 0) || !std::isfinite(p.dt))
    return bad("--dt must be a positive number (got " + text(p.dt) + ")");
  if (stability_number(p, p.dt) > 0.5)
    return bad("--dt " + text(p.dt) +
               " is unstable: alpha·dt·(1/hx² + 1/hy²) = " + text(stability_number(p, p.dt)) +
               " must be at most 1/2 (r = alpha·dt/h² ≤ 1/4 "
               "on a square grid); use --dt " +
               text(limit) + " or less");
  if (p.init != "sine" && p.init != "gaussian" && p.init != "hotspot")
    return bad("--init must be sine, gaussian or hotspot (got '" + p.init + "')");
  if (p.residual_every <= 0)
    return bad("--residual-every must be positive (got " + std::to_string(p.residual_every) + ")");
  if (p.output_every < 0)
    return bad("--output-every must be at least 0, 0 for the first and last step only (got " +
               std::to_string(p.output_every) + ")");
  return troupe::actors::tile_layout::make(p.nx, p.ny, p.tiles_x, p.tiles_y);
}

std::string run_shape(const params& p) {
  return std::to_string(p.nx) + "x" + std::to_string(p.ny) + " cells in " +
         std::to_string(p.tiles_x) + "x" + std::to_string(p.tiles_y) + " tiles, dt " + exact(p.dt) +
         ", init " + p.init;
}

troupe::numerics::stencil5_weights weights(const params& p) {
  auto rx = p.alpha * p.dt / (hx(p) * hx(p));
  auto ry = p.alpha * p.dt / (hy(p) * hy(p));
  return {1 - 2 * rx - 2 * ry, rx, ry};
}

double initial(const params& p, std::int64_t x, std::int64_t y) {
  auto px = static_cast<double>(x + 1) * hx(p);
  auto py = static_cast<double>(y + 1) * hy(p);
  if (p.init == "sine")
    return std::sin(std::numbers::pi * px) * std::sin(std::numbers::pi * py);
  if (p.init == "gaussian") {
    auto d2 = (px - 0.5) * (px - 0.5) + (py - 0.5) * (py - 0.5);
    return std::exp(-d2 / (2 * 0.1 * 0.1));
  }
  auto d2 = (px - 0.3) * (px - 0.3) + (py - 0.6) * (py - 0.6);
  return d2 <= 0.1 * 0.1 ? 1.0 : 0.0;
}

double discrete_exact_sine(const params& p, std::int64_t x, std::int64_t y, std::int64_t steps) {
  auto w = weights(p);
  auto sx = std::sin(std::numbers::pi * hx(p) / 2);
  auto sy = std::sin(std::numbers::pi * hy(p) / 2);
  auto g = 1 - 4 * w.di * sx * sx - 4 * w.dj * sy * sy;
  return std::pow(g, static_cast<double>(steps)) * initial(p, x, y);
}

} // namespace heat2d
