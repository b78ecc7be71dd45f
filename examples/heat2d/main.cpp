// heat2d: the explicit 5-point heat equation on tiles, one coroutine actor per tile.
//
//   heat2d --nx 512 --ny 512 --tiles-x 2 --tiles-y 2 --steps 2000 --init sine --out out/
//
// Each tile's step: exchange halos with its neighbours, await the stencil kernel on the node's
// pool, every --residual-every steps await the global residual (an allreduce in rank order).
// The final field's bits do not depend on --threads or the tile layout; the residual's bits do
// not depend on --threads. Prints the step count, the field's checksum and, for --init sine,
// the largest error against the scheme's exact solution.
#include <cstdio>
#include <memory>

#include <troupe/actors/collectives.hpp>
#include <troupe/actors/halo.hpp>
#include <troupe/troupe.hpp>

#include "heat2d.hpp"
#include "output.hpp"
#include "part.hpp"

int main(int argc, char** argv) {
  troupe::node_config cfg{"heat2d", "Solves the 2-D heat equation on tiles, one actor per tile; "
                                    "the same bits on any thread count and tile layout."};
  heat2d::params p;
  cfg.option(p.nx, "nx", "interior points along x (default 256)");
  cfg.option(p.ny, "ny", "interior points along y (default 256)");
  cfg.option(p.tiles_x, "tiles-x", "tiles along x (default 2)");
  cfg.option(p.tiles_y, "tiles-y", "tiles along y (default 2)");
  cfg.option(p.steps, "steps", "time steps (default 1000)");
  cfg.option(p.alpha, "alpha", "diffusivity (default 1)");
  cfg.option(p.dt, "dt", "time step (default: 0.9 of the stability limit)");
  cfg.option(p.init, "init", "initial field: sine, gaussian or hotspot (default sine)");
  cfg.option(p.out, "out", "directory for heat2d.pvd, .vti, .png and heat2d.csv (default: none)");
  cfg.option(p.output_every, "output-every",
             "write the field every N steps besides the first and last (default 0: only those)");
  cfg.option(p.residual_every, "residual-every",
             "compute the global residual every N steps "
             "(default 10)");
  troupe::actors::add_collective_types(cfg);
  troupe::actors::add_halo_types(cfg);
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    auto layout = heat2d::check(p);
    if (!layout) {
      std::fprintf(stderr, "heat2d: %s\n", layout.error().message().c_str());
      return 2;
    }
    std::shared_ptr<heat2d::output> out;
    if (!p.out.empty()) {
      auto opened = heat2d::output::open(p);
      if (!opened) {
        std::fprintf(stderr, "heat2d: --out %s: %s\n", p.out.c_str(),
                     opened.error().message().c_str());
        return 2;
      }
      out = std::make_shared<heat2d::output>(std::move(*opened));
    }
    auto parts = troupe::actors::spawn_group(n, static_cast<std::size_t>(layout->count()),
                                             {.name = "tile"}, heat2d::run_part, p, *layout, out);
    int code = 0;
    for (std::size_t r = 0; r < parts.size(); ++r)
      if (auto ended = n.wait(parts[r]); !ended) {
        std::fprintf(stderr, "heat2d: %s ended: %s\n", parts.describe(r).c_str(),
                     ended.error().message().c_str());
        code = 1;
      }
    return code;
  });
}
