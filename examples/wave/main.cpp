// wave: u_tt = c²·Δu with two time levels on heat2d's pieces (driver, tiles, halos, stencil5).
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include <troupe/actors/field.hpp>
#include <troupe/actors/halo.hpp>
#include <troupe/actors/simulate.hpp>
#include <troupe/numerics/stencil.hpp>
#include <troupe/troupe.hpp>

namespace ta = troupe::actors;

constexpr double courant = 0.5; // c·dt/h, stable up to 1/√2

struct levels { // a tile's explicit state: what a checkpoint holds
  ta::tile u, prev;
};
template <class I>
auto inspect(I& f, levels& s) {
  return f(s.u, s.prev);
}

troupe::task<> part(troupe::context& self, ta::part_link link, std::int64_t n, std::int64_t tx,
                    std::int64_t ty) {
  auto layout = ta::tile_layout::make(n, n, tx, ty).value();
  auto rank = static_cast<std::int64_t>(link.parts.rank_of(self.address()).value());
  ta::halo_links links{link.parts, layout, rank};
  levels s{ta::tile{layout.extent(rank)}, {}};
  if (!ta::restore(link, s).value()) {
    for (std::int64_t j = 0; j < s.u.extent.ny; ++j) // a Gaussian pulse at rest
      for (std::int64_t i = 0; i < s.u.extent.nx; ++i) {
        auto x = (s.u.extent.x0 + i + 0.5) / n - 0.4, y = (s.u.extent.y0 + j + 0.5) / n - 0.5;
        s.u.interior()(i, j) = std::exp(-(x * x + y * y) / 0.002);
      }
    s.prev = s.u;
  }
  ta::tile next{s.u.extent};
  troupe::numerics::stencil5_weights w{2 - 4 * courant * courant, courant * courant,
                                       courant * courant};
  for (auto step = link.first; step < link.steps; ++step) {
    (co_await ta::exchange_halos(self, links, s.u, step)).value();
    (co_await troupe::numerics::stencil5(self, s.u.cells, next.cells, w)).value();
    next.interior() -= s.prev.interior(); // u(t+dt) = 2u + c²dt²Δu − u(t−dt)
    std::swap(s.prev.cells, s.u.cells);
    std::swap(s.u.cells, next.cells);
    if ((co_await ta::at_boundary(self, link, step + 1, s)).value().stop)
      break;
  }
  if (auto field = (co_await ta::gather_field(self, link.parts, layout, s.u)).value())
    std::printf("steps: %" PRId64 "\nchecksum: %016" PRIx64 "\nmax |u|: %.6f\n", link.steps,
                ta::field_checksum(*field), field->abs().maxCoeff());
}

int main(int argc, char** argv) {
  troupe::node_config cfg{"wave", "The 2-D wave equation on tiles; the same bits on any layout."};
  std::int64_t size = 200, tiles_x = 2, tiles_y = 2, steps = 500;
  cfg.option(size, "n", "grid points per side (default 200)").option(steps, "steps", "time steps");
  cfg.option(tiles_x, "tiles-x", "tiles along x").option(tiles_y, "tiles-y", "tiles along y");
  ta::run_options opts; // --checkpoint-dir, --checkpoint-every, --restart, --progress, ...
  opts.add_to(cfg);     // (and the driver's messages)
  ta::add_halo_types(cfg);
  cfg.add_actor_type("wave.tile", ta::part_factory<std::int64_t, std::int64_t, std::int64_t>(part));
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    auto layout = ta::tile_layout::make(size, size, tiles_x, tiles_y);
    if (!layout)
      return std::fprintf(stderr, "wave: %s\n", layout.error().message().c_str()), 2;
    ta::driver_config dc; // what the driver runs: the parts, their count, the run's shape
    dc.type = "wave.tile";
    dc.parts = static_cast<std::size_t>(layout->count());
    dc.steps = steps;
    dc.layout = layout->describe();
    dc.label = "wave";
    if (auto done = ta::simulate(n, opts, dc, caf::make_message(size, tiles_x, tiles_y)); !done)
      return std::fprintf(stderr, "wave: %s\n", done.error().message().c_str()),
             done.error() == troupe::errc::bad_option ? 2 : 1;
    return 0;
  });
}
