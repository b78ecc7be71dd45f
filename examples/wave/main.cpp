// wave: u_tt = c²·Δu with two time levels on heat2d's pieces (tiles, halos, stencil5, gather).
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include <troupe/actors/collectives.hpp>
#include <troupe/actors/halo.hpp>
#include <troupe/numerics/stencil.hpp>
#include <troupe/troupe.hpp>

namespace ta = troupe::actors;

struct run {
  std::int64_t n = 200, tiles_x = 2, tiles_y = 2, steps = 500;
  double courant = 0.5; // c·dt/h, stable up to 1/√2
};

troupe::task<> part(troupe::context& self, ta::group g, run r, ta::tile_layout layout) {
  auto rank = static_cast<std::int64_t>(g.rank_of(self.address()).value());
  ta::halo_links links{g, layout, rank};
  ta::tile u{layout.extent(rank)}, prev{u.extent}, next{u.extent};
  for (std::int64_t j = 0; j < u.extent.ny; ++j) // a Gaussian pulse at rest
    for (std::int64_t i = 0; i < u.extent.nx; ++i) {
      auto x = (u.extent.x0 + i + 0.5) / r.n - 0.4, y = (u.extent.y0 + j + 0.5) / r.n - 0.5;
      u.interior()(i, j) = std::exp(-(x * x + y * y) / 0.002);
    }
  prev.cells = u.cells;
  auto c2 = r.courant * r.courant;
  troupe::numerics::stencil5_weights w{2 - 4 * c2, c2, c2};
  for (std::int64_t step = 0; step < r.steps; ++step) {
    (co_await ta::exchange_halos(self, links, u, step)).value();
    (co_await troupe::numerics::stencil5(self, u.cells, next.cells, w)).value();
    next.interior() -= prev.interior(); // u(t+dt) = 2u + c²dt²Δu − u(t−dt)
    std::swap(prev.cells, u.cells);
    std::swap(u.cells, next.cells);
  }
  Eigen::ArrayXXd mine = u.interior();
  auto pieces =
      (co_await ta::gather(self, g, ta::block{{mine.data(), mine.data() + mine.size()}}, 0))
          .value();
  if (rank != 0)
    co_return;
  std::uint64_t h = 14695981039346656037ull; // FNV-1a of the field's bits, x fastest
  Eigen::ArrayXXd field(r.n, r.n);
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    auto e = layout.extent(static_cast<std::int64_t>(k));
    field.block(e.x0, e.y0, e.nx, e.ny) =
        Eigen::Map<const Eigen::ArrayXXd>(pieces[k].data(), e.nx, e.ny);
  }
  for (auto* b = reinterpret_cast<const unsigned char*>(field.data());
       b != reinterpret_cast<const unsigned char*>(field.data() + field.size()); ++b)
    h = (h ^ *b) * 1099511628211ull;
  std::printf("steps: %" PRId64 "\nchecksum: %016" PRIx64 "\nmax |u|: %.6f\n", r.steps, h,
              field.abs().maxCoeff());
}

int main(int argc, char** argv) {
  troupe::node_config cfg{"wave", "The 2-D wave equation on tiles; the same bits on any layout."};
  run r;
  cfg.option(r.n, "n", "grid points per side (default 200)")
      .option(r.steps, "steps", "time steps (default 500)");
  cfg.option(r.tiles_x, "tiles-x", "tiles along x (default 2)")
      .option(r.tiles_y, "tiles-y", "tiles along y (default 2)");
  ta::add_collective_types(cfg);
  ta::add_halo_types(cfg);
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    auto layout = ta::tile_layout::make(r.n, r.n, r.tiles_x, r.tiles_y);
    if (!layout || r.steps < 0) {
      std::fprintf(stderr, "wave: %s\n",
                   layout ? "--steps must be at least 0" : layout.error().message().c_str());
      return 2;
    }
    auto g = ta::spawn_group(n, static_cast<std::size_t>(layout->count()), {.name = "tile"}, part,
                             r, *layout);
    for (std::size_t k = 0; k < g.size(); ++k)
      if (auto ended = n.wait(g[k]); !ended)
        return std::fprintf(stderr, "wave: %s\n", ended.error().message().c_str()), 1;
    return 0;
  });
}
