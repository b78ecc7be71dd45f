// heat2d: the step loop of one tile.
#pragma once

#include <memory>

#include <troupe/actors/boundary.hpp>
#include <troupe/context.hpp>
#include <troupe/task.hpp>

#include "heat2d.hpp"
#include "output.hpp"

namespace heat2d {

/// One tile's run, a part of the simulation driver's run: each step exchanges halos, awaits
/// the stencil kernel on the node's pool, every --residual-every steps awaits the global
/// residual, and at the driver's boundaries takes its answer (a new `alpha`, stop). Rank 0
/// also gathers the field at output steps and at the end, writes them to `out` (opened by main,
/// null without --out) and prints the results. Throws (ending the actor with the text) when a
/// neighbour, group member or the driver fails, or a new alpha makes dt unstable.
troupe::task<> run_part(troupe::context& self, troupe::actors::part_link link, params p,
                        std::shared_ptr<output> out);

} // namespace heat2d
