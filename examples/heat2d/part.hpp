// heat2d: the step loop of one tile.
#pragma once

#include <memory>

#include <troupe/actors/group.hpp>
#include <troupe/actors/tile_layout.hpp>
#include <troupe/context.hpp>
#include <troupe/task.hpp>

#include "heat2d.hpp"
#include "output.hpp"

namespace heat2d {

/// One tile's run: each step exchanges halos, awaits the stencil kernel on the node's pool,
/// and every --residual-every steps awaits the global residual. Rank 0 also gathers the field
/// at output steps and at the end, writes them to `out` (opened by main, null without --out)
/// and prints the results. Throws (ending the actor with the text) when a neighbour or group
/// member fails.
troupe::task<> run_part(troupe::context& self, troupe::actors::group parts, params p,
                        troupe::actors::tile_layout layout, std::shared_ptr<output> out);

} // namespace heat2d
