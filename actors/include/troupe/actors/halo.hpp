/// @file
/// `troupe::actors::exchange_halos`: a tile's step-k edges to its neighbours, theirs into its
/// halo.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/meta/type_name.hpp>

#include <troupe/actors/block.hpp>
#include <troupe/actors/group.hpp>
#include <troupe/actors/tile.hpp>
#include <troupe/actors/tile_layout.hpp>
#include <troupe/context.hpp>
#include <troupe/errc.hpp>
#include <troupe/result.hpp>
#include <troupe/task.hpp>

namespace troupe::actors {

/// One edge of a tile for step `step`, on its way to the neighbour whose halo side `fills` it
/// takes; or, with `ended`, the news (from the receiver's own watch) that this neighbour ended.
struct halo_message {
  std::uint64_t grid = 0;
  std::int64_t step = 0;
  side fills = side::west;
  bool ended = false;
  /// How the neighbour ended (with `ended`).
  std::string reason;
  block values;
  /// The code the exchange fails with (with `ended`): `errc::unreachable` when the neighbour's
  /// node was lost, else `errc::actor_exited`.
  errc code = errc::actor_exited;
};

/// Lets halo messages cross nodes; the edge goes as one run of bytes (`block`).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, halo_message& x) {
  return f(caf::meta::type_name("troupe::actors::halo_message"), x.grid, x.step, x.fills, x.ended,
           x.reason, x.values, x.code);
}

/// Registers halo messages (and `block`) with `cfg`: needed on every node of a tile grid.
void add_halo_types(caf::actor_system_config& cfg);

/// A tile's neighbours: the parts of the tiles beyond each side (none at the grid's edge).
/// Made from the grid's group (its members are the parts, in rank order) and the layout, the
/// same way on every part, so no part needs to be told its neighbours.
class halo_links {
public:
  halo_links() = default;

  /// The links of part `rank` of `parts`, which holds one part per tile of `layout`.
  halo_links(const group& parts, const tile_layout& layout, std::int64_t rank);

  /// The part beyond side `s`, invalid at the grid's edge.
  [[nodiscard]] const caf::actor& beyond(side s) const noexcept {
    return to_[static_cast<std::size_t>(s)];
  }

  [[nodiscard]] std::uint64_t grid() const noexcept {
    return grid_;
  }

  /// "the west neighbour (rank 2, actor 'tile-2' (id 17))", for errors.
  [[nodiscard]] std::string describe(side s) const;

  /// Watches the neighbours (once): when one ends, this part's pending or next exchange with it
  /// fails instead of waiting for ever.
  void watch(context& self);

private:
  std::uint64_t grid_ = 0;
  std::array<caf::actor, 4> to_{};
  std::array<std::string, 4> labels_{};
  bool watching_ = false;
};

/// Sends the tile's own edge cells of step `step` to each neighbour and waits for theirs of
/// the same step, which it copies into the halo; the halo on sides without a neighbour is left
/// as it is (the boundary condition is the caller's). Neighbours may run ahead: their edges for
/// later steps wait in the actor's stash for the exchange of that step. Yields an error naming
/// the neighbour and step when a neighbour ended before sending its edge (`errc::unreachable`
/// when its node was lost, `errc::actor_exited` otherwise), or sent one of the wrong length.
///
/// ```cpp
/// troupe::actors::halo_links links{parts, layout, rank};
/// for (std::int64_t step = 0; step < steps; ++step) {
///   if (auto ok = co_await troupe::actors::exchange_halos(self, links, t, step); !ok)
///     throw std::runtime_error(ok.error().message());
///   co_await troupe::numerics::stencil5(self, t.cells, next.cells, w);
///   std::swap(t.cells, next.cells);
/// }
/// ```
task<result<void>> exchange_halos(context& self, halo_links& links, tile& t, std::int64_t step);

} // namespace troupe::actors
