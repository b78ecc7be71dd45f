// heat2d: the explicit 5-point heat equation u_t = alpha·(u_xx + u_yy) on the unit square,
// NX×NY interior points, zero Dirichlet boundary, one tile actor per part of the grid.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <Eigen/Core>

#include <caf/meta/type_name.hpp>

#include <troupe/actors/tile_layout.hpp>
#include <troupe/numerics/stencil.hpp>
#include <troupe/result.hpp>

namespace heat2d {

/// The run as the flags describe it (main.cpp checks them).
struct params {
  std::int64_t nx = 256;
  std::int64_t ny = 256;
  std::int64_t tiles_x = 2;
  std::int64_t tiles_y = 2;
  std::int64_t steps = 1000;
  double alpha = 1.0;
  /// Zero: the largest stable step times 0.9.
  double dt = 0;
  std::string init = "sine";
  std::string out;
  std::int64_t output_every = 0;
  std::int64_t residual_every = 10;
};

/// Lets the parameters travel to parts on other nodes (`--join`).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, params& x) {
  return f(caf::meta::type_name("heat2d::params"), x.nx, x.ny, x.tiles_x, x.tiles_y, x.steps,
           x.alpha, x.dt, x.init, x.out, x.output_every, x.residual_every);
}

/// Grid spacing along x and y: the unit square holds NX (NY) interior points.
inline double hx(const params& p) {
  return 1.0 / static_cast<double>(p.nx + 1);
}

inline double hy(const params& p) {
  return 1.0 / static_cast<double>(p.ny + 1);
}

/// alpha·dt·(1/hx² + 1/hy²): the scheme is stable while this is at most 1/2.
double stability_number(const params& p, double dt);

/// Checks the flags, fills in a default dt, and makes the layout; errors name the flag.
troupe::result<troupe::actors::tile_layout> check(params& p);

/// What a checkpoint records as the run's shape: a restart must keep it (grid, tiles, dt and
/// init; alpha may change and is recorded as a parameter).
std::string run_shape(const params& p);

/// The stencil weights of one explicit step.
troupe::numerics::stencil5_weights weights(const params& p);

/// The initial value at interior point (x, y) (0-based: x in [0, NX)).
double initial(const params& p, std::int64_t x, std::int64_t y);

/// For --init sine: the value the scheme itself gives at (x, y) after `steps` steps (the sine
/// mode is an eigenvector of the discrete operator, so this is exact up to rounding).
double discrete_exact_sine(const params& p, std::int64_t x, std::int64_t y, std::int64_t steps);

} // namespace heat2d
