#include "part.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include <troupe/actors/boundary.hpp>
#include <troupe/actors/collectives.hpp>
#include <troupe/actors/field.hpp>
#include <troupe/actors/halo.hpp>
#include <troupe/actors/tile.hpp>
#include <troupe/numerics/stencil.hpp>

namespace heat2d {

namespace {

namespace ta = troupe::actors;

// The error ends the part with its code (troupe's codes survive the actor's end): the driver
// tells a neighbour's lost node (errc::unreachable) from a failure of this part.
[[noreturn]] void fail(const troupe::error& e, const char* what) {
  throw troupe::bad_result_access{troupe::error{e.code(), std::string{what} + ": " + e.message()}};
}

template <class T>
T take(troupe::result<T> r, const char* what) {
  if (!r)
    fail(r.error(), what);
  return std::move(*r);
}

void take(troupe::result<void> r, const char* what) {
  if (!r)
    fail(r.error(), what);
}

// Sum of squared changes over the tile's own cells, in one fixed order.
double local_change(const ta::tile& before, const ta::tile& after) {
  double sum = 0;
  auto a = before.interior();
  auto b = after.interior();
  for (Eigen::Index j = 0; j < a.cols(); ++j)
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
      auto d = b(i, j) - a(i, j);
      sum += d * d;
    }
  return sum;
}

// A tile's whole explicit state after a step: what its checkpoint holds.
struct tile_state {
  ta::tile t;
  double residual = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tile_state& x) {
  return f(caf::meta::type_name("heat2d::tile_state"), x.t, x.residual);
}

// A new alpha from the driver: the same check as --alpha and --dt at the start.
void change_alpha(params& p, double alpha) {
  auto before = p.alpha;
  p.alpha = alpha;
  if (!(alpha > 0) || !std::isfinite(alpha) || stability_number(p, p.dt) > 0.5)
    throw std::runtime_error("heat2d: alpha " + std::to_string(alpha) + " (was " +
                             std::to_string(before) +
                             ") is not positive or makes --dt unstable: alpha·dt·(1/hx² + "
                             "1/hy²) must be at most 1/2");
}

} // namespace

troupe::task<> run_part(troupe::context& self, ta::part_link link, params p,
                        std::shared_ptr<output> shared_out) {
  auto& parts = link.parts;
  auto layout = take(check(p), "heat2d: parameters");
  auto rank = static_cast<std::int64_t>(parts.rank_of(self.address()).value());
  ta::halo_links links{parts, layout, rank};
  tile_state s{ta::tile{layout.extent(rank)}, 0.0};
  auto& t = s.t;
  if (!take(ta::restore(link, s), "heat2d: restart")) {
    for (std::int64_t j = 0; j < t.extent.ny; ++j)
      for (std::int64_t i = 0; i < t.extent.nx; ++i)
        t.interior()(i, j) = initial(p, t.extent.x0 + i, t.extent.y0 + j);
  } else if (t.extent != layout.extent(rank)) {
    throw std::runtime_error("heat2d: restart: the checkpoint's tile " + std::to_string(rank) +
                             " has another extent than this layout's");
  }
  // The run's alpha: a restart's comes from its checkpoint.
  if (auto alpha = link.initial.get("alpha"); alpha && *alpha != p.alpha)
    change_alpha(p, *alpha);
  ta::tile next{t.extent};
  auto w = weights(p);
  auto* out = rank == 0 ? shared_out.get() : nullptr;

  // Output steps: 0, every --output-every, and the last; the field is gathered at rank 0.
  auto gather_field = [&]() -> troupe::task<std::optional<Eigen::ArrayXXd>> {
    co_return take(co_await ta::gather_field(self, parts, layout, t), "heat2d: gather");
  };
  // Every part decides alike (each has `p`): the gather is a collective.
  auto output_due = [&](std::int64_t step) {
    return !p.out.empty() && (step == 0 || (p.output_every > 0 && step % p.output_every == 0));
  };
  if (link.first == 0 && output_due(0))
    if (auto field = co_await gather_field(); field)
      take(out->write(0, 0.0, *field), "heat2d: output");

  auto started = std::chrono::steady_clock::now();
  for (std::int64_t step = link.first; step < p.steps; ++step) {
    take(co_await ta::exchange_halos(self, links, t, step), "heat2d: halo exchange");
    take(co_await troupe::numerics::stencil5(self, t.cells, next.cells, w), "heat2d: stencil");
    auto done = step + 1;
    if (done % p.residual_every == 0 || done == p.steps) {
      auto sum = take(co_await ta::allreduce(self, parts, local_change(t, next), ta::sum{}),
                      "heat2d: residual");
      s.residual = std::sqrt(sum);
      if (out)
        take(out->residual(done, static_cast<double>(done) * p.dt, s.residual), "heat2d: output");
    }
    std::swap(t.cells, next.cells);
    // Written before the boundary: a checkpoint of this step implies its output on disk, so a
    // restart from it keeps the series whole.
    if (done != p.steps && output_due(done))
      if (auto field = co_await gather_field(); field)
        take(out->write(done, static_cast<double>(done) * p.dt, *field), "heat2d: output");
    // Every part gets the same answer at the same boundary: the change, or the stop, applies
    // to the same step everywhere.
    auto at = take(co_await ta::at_boundary(self, link, done, s), "heat2d: step boundary");
    if (auto alpha = at.changed.get("alpha")) {
      change_alpha(p, *alpha);
      w = weights(p);
    }
    if (at.stop)
      p.steps = done;
  }

  // Rank 0 waited for every tile's last residual: the step loop's time is the run's.
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  auto field = co_await gather_field();
  if (rank != 0)
    co_return;
  if (out && p.steps > link.first)
    take(out->write(p.steps, static_cast<double>(p.steps) * p.dt, *field), "heat2d: output");
  report(p, layout, *field, s.residual, took.count(), link.first, out);
}

} // namespace heat2d
