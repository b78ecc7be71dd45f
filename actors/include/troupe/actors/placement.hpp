/// @file
/// `troupe::actors::place`: which node each part of a simulation runs on.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <troupe/result.hpp>

namespace troupe::actors {

/// How the driver spreads parts over the nodes it knows (node 0 is the driver's own).
///
/// Either way part 0 runs on node 0, so what rank 0 does alone (output, the final report)
/// stays in the driver's process. Placement never changes a result: parts address each other
/// through the group's handles, and collectives combine in rank order.
enum class placement {
  /// Part r on node r mod N: neighbouring ranks on different nodes (spreads the load evenly
  /// when parts differ in cost along the rank order).
  round_robin,
  /// Parts in N contiguous runs of ranks, part r on node ⌊r·N/P⌋: a tile grid's ranks run
  /// x fastest, so each node gets whole rows of tiles and most halos stay inside a process.
  block,
};

/// The node index of each of `parts` parts on `nodes` nodes (nodes ≥ 1).
std::vector<std::size_t> place(std::size_t parts, std::size_t nodes, placement how);

/// "round-robin" or "block".
std::string to_string(placement how);

/// Parses "round-robin" or "block"; an error names the accepted words.
result<placement> parse_placement(const std::string& text);

} // namespace troupe::actors
