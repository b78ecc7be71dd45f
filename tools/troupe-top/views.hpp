// The text around the table: the header, one actor's detail, the await graph. Pure functions
// of the JSON the monitors answer, so the tests check them without a terminal.
//
// Routes troupe-top reads when a node serves them (fields it uses; others are ignored):
//   /api/v1/sim     {"step", "total", "steps_per_second", "eta_seconds", "paused" (or
//                    "state": "paused"|"running"), "parameters": {NAME: VALUE}}
//   /api/v1/awaits  {"edges": [{"from": END, "to": END, "kind", "waiting_seconds"}],
//                    "cycles": [[END, ...] or {"chain": [END, ...]}]}
//                   where END is {"node", "actor", "name"} or a bare actor id.
#pragma once

#include <string>
#include <vector>

#include "gather.hpp"

namespace troupe_top {

/// `[#####.....]` of `width` characters for `fraction` in 0..1.
std::string progress_bar(double fraction, int width);

/// The header: a summary line (nodes up/total, workers busy %, messages/s, actors), the
/// simulation line (step, progress bar, steps/s, ETA, or why there is none), and one line per
/// member (its state, or why it is down).
std::vector<std::string> header_lines(const cluster_view& v, const std::string& attached_to);

/// One actor's detail from `/api/v1/actors/{id}` of member `node`: its fields, its awaits and
/// its await chain (a cycle said plainly).
std::vector<std::string> detail_lines(const json::object& detail, const std::string& node);

/// The cluster's await graph from `/api/v1/awaits`: its cycles first (marked CYCLE), then each
/// edge, those on a cycle marked.
std::vector<std::string> graph_lines(const json::object& graph);

} // namespace troupe_top
