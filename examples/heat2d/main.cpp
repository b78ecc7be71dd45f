// heat2d: the explicit 5-point heat equation on tiles, one coroutine actor per tile.
//
//   heat2d --nx 512 --ny 512 --tiles-x 2 --tiles-y 2 --steps 2000 --init sine --out out/
//
// Each tile's step: exchange halos with its neighbours, await the stencil kernel on the node's
// pool, every --residual-every steps await the global residual (an allreduce in rank order).
// The final field's bits do not depend on --threads or the tile layout; the residual's bits do
// not depend on --threads. Prints the step count, the field's checksum and, for --init sine,
// the largest error against the scheme's exact solution.
//
// The simulation driver places the tiles on every member of the cluster, block-wise by rank
// (--placement): under `troupe-run -n N` (or Slurm) rank 0 drives and the other ranks serve
// tiles until it ends; started by hand, `heat2d --listen HOST:PORT` serves tiles for the
// `heat2d --join HOST:PORT` that drives. The bits are the same either way. The driver
// owns the step boundaries (every --boundary-every steps: parameter changes, pause, stop) and
// shows progress on stderr (--progress).
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <memory>

#include <troupe/actors/collectives.hpp>
#include <troupe/actors/driver.hpp>
#include <troupe/actors/halo.hpp>
#include <troupe/actors/hosted.hpp>
#include <troupe/actors/job.hpp>
#include <troupe/actors/restart.hpp>
#include <troupe/actors/simulate.hpp>
#include <troupe/troupe.hpp>

#include "heat2d.hpp"
#include "output.hpp"
#include "part.hpp"

namespace {

// What a restart tells the user: where it resumes, and a changed alpha that replaces --alpha.
void announce(const troupe::actors::restart_point& from, const heat2d::params& p) {
  std::printf("restart: step %" PRId64 " from %s\n", from.step, from.path.c_str());
  if (auto alpha = from.values.get("alpha"); alpha && *alpha != p.alpha)
    std::fprintf(stderr,
                 "heat2d: alpha %g from the checkpoint (changed during the run) replaces "
                 "--alpha %g\n",
                 *alpha, p.alpha);
}

} // namespace

int main(int argc, char** argv) {
  troupe::node_config cfg{"heat2d",
                          "Solves the 2-D heat equation on tiles, one actor per tile; "
                          "the same bits on any thread count, tile layout and node count."};
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
  // --checkpoint-dir, --checkpoint-every, --restart, --boundary-every, --progress, --placement
  troupe::actors::run_options opts;
  opts.add_to(cfg);
  troupe::actors::add_collective_types(cfg);
  troupe::actors::add_halo_types(cfg);
  troupe::actors::add_driver_command_type(cfg);
  cfg.add_message_type<heat2d::params>("heat2d::params");
  // Rank 0 always runs in the driver's process, where main opened the output.
  auto out = std::make_shared<std::shared_ptr<heat2d::output>>();
  troupe::actors::hosted served; // the tiles this process serves for another's driver (--listen)
  cfg.add_actor_type(
      "heat2d.tile",
      served.wrap(troupe::actors::part_factory<heat2d::params>(
          [out](troupe::context& self, troupe::actors::part_link link, heat2d::params q) {
            auto mine = link.parts.rank_of(self.address()) == 0 ? *out : nullptr;
            return heat2d::run_part(self, std::move(link), std::move(q), mine);
          },
          "heat2d.tile")));
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    auto layout = heat2d::check(p);
    troupe::actors::driver_config dc;
    auto flags = layout ? opts.apply(dc) : troupe::result<void>{layout.error()};
    if (!flags) {
      std::fprintf(stderr, "heat2d: %s\n", flags.error().message().c_str());
      return 2;
    }
    if (troupe::actors::role_of(n) == troupe::actors::job_role::serve) {
      auto ended = troupe::actors::serve(n, served);
      if (!ended)
        std::fprintf(stderr, "heat2d: %s\n", ended.error().message().c_str());
      return ended ? 0 : 1;
    }
    dc.type = "heat2d.tile";
    dc.parts = static_cast<std::size_t>(layout->count());
    dc.steps = p.steps;
    dc.initial.set("alpha", p.alpha);
    dc.label = "heat2d";
    dc.layout = heat2d::run_shape(p);
    dc.time_step = p.dt;
    // Tells whoever watches stdout which checkpoints are safe to restart from.
    dc.on_checkpoint = [](const std::filesystem::path& written) {
      std::printf("checkpoint written: %s\n", written.c_str());
      std::fflush(stdout);
    };
    auto from = opts.restart_from(dc);
    if (!from) {
      std::fprintf(stderr, "heat2d: %s\n", from.error().message().c_str());
      return 2;
    }
    if (*from)
      announce(**from, p);
    if (!opts.checkpoint_dir.empty())
      if (auto made = troupe::actors::make_checkpoint_dir(opts.checkpoint_dir); !made) {
        std::fprintf(stderr, "heat2d: --checkpoint-dir %s: %s\n", opts.checkpoint_dir.c_str(),
                     made.error().message().c_str());
        return 2;
      }
    if (!p.out.empty()) {
      auto opened = heat2d::output::open(p, *from ? (*from)->step : 0);
      if (!opened) {
        std::fprintf(stderr, "heat2d: --out %s: %s\n", p.out.c_str(),
                     opened.error().message().c_str());
        return 2;
      }
      *out = std::make_shared<heat2d::output>(std::move(*opened));
    }
    auto run = troupe::actors::driver::start(n, dc, caf::make_message(p), std::move(*from));
    if (!run) {
      std::fprintf(stderr, "heat2d: %s\n", run.error().message().c_str());
      // Settings and files (std::errc: a checkpoint directory that cannot be written) are the
      // user's to fix; a part that could not be spawned is the run's failure.
      return run.error().code().category() == std::generic_category() ? 2 : 1;
    }
    auto here = std::count(run->nodes().begin(), run->nodes().end(), std::size_t{0});
    auto others = run->nodes().empty()
                      ? std::size_t{0}
                      : *std::max_element(run->nodes().begin(), run->nodes().end());
    std::printf("tiles: %td on this node, %td on %zu other node%s\n", here,
                static_cast<std::ptrdiff_t>(run->nodes().size()) - here, others,
                others == 1 ? "" : "s");
    std::fflush(stdout);
    auto done = run->wait();
    if (!done) {
      std::fprintf(stderr, "heat2d: %s\n", done.error().message().c_str());
      return 1;
    }
    if (!done->last_checkpoint.empty())
      std::printf("checkpoint: %s\n", done->last_checkpoint.c_str());
    return 0;
  });
}
