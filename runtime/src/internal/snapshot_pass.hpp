// Internal: snapshots that read part of each record, for the monitor's pages (docs/MONITOR.md):
// a first pass reads what a page's order and filter need of every actor, a second reads every
// field of the page's actors only.
#pragma once

#include <cstdint>
#include <vector>

#include <troupe/detail/actor_record.hpp>
#include <troupe/snapshot.hpp>

namespace troupe::detail {

class node_state;

/// Which fields of a record a pass reads besides its id (bits; `read_all` is every field).
enum read_fields : unsigned {
  /// parent, spawned, mailbox_depth, stashed, dropped, received, sent, busy.
  read_counters = 1,
  /// name and type.
  read_text = 2,
  /// awaits and state (peer nodes left as CAF's node ids: see `name_peer_nodes`).
  read_awaits = 4,
  read_all = 7,
};

/// Reads `fields` of one record (and its id); the others keep their defaults.
actor_info read_record(const actor_record& rec, unsigned fields);

/// Every live troupe actor of `st` with `fields` read, in no particular order.
std::vector<actor_info> read_actors(const node_state& st, unsigned fields);

/// Every field of the live actors of `st` whose ids are in `ids` (ascending), by id; an actor
/// that ended is not there. Peer nodes are named as in `take_snapshot`.
std::vector<actor_info> read_actors(const node_state& st, const std::vector<std::uint64_t>& ids);

} // namespace troupe::detail
