// Internal: what the membership and name actors of two nodes tell each other.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/node_id.hpp>

#include "await_graph.hpp"

namespace troupe::detail {

/// A node as it introduces itself: its id, where it listens, its three service actors and its
/// monitor.
struct member_card {
  caf::node_id id;
  std::string host;
  std::uint16_t port = 0;
  caf::actor membership;
  caf::actor names;
  caf::actor spawner;
  /// Its monitor endpoint ("HOST:PORT"), or "" with `--monitor off`.
  std::string monitor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_card& x) {
  return f(caf::meta::type_name("troupe.member_card"), x.id, x.host, x.port, x.membership, x.names,
           x.spawner, x.monitor);
}

/// Where a member is, as members tell each other: no actor handles, so that a node never
/// holds a proxy of a node it is not connected to (CAF 0.17 routes those through the node the
/// handle came from, and replies were seen lost on such routes while members were joining).
struct member_address {
  caf::node_id id;
  std::string host;
  std::uint16_t port = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_address& x) {
  return f(caf::meta::type_name("troupe.member_address"), x.id, x.host, x.port);
}

/// A registered name and its holder.
struct name_entry {
  std::string name;
  caf::actor holder;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, name_entry& x) {
  return f(caf::meta::type_name("troupe.name_entry"), x.name, x.holder);
}

// Between membership actors.
using card_atom = caf::atom_constant<caf::atom("t_card")>;
using hello_atom = caf::atom_constant<caf::atom("t_hello")>;
using left_atom = caf::atom_constant<caf::atom("t_left")>;
using ping_atom = caf::atom_constant<caf::atom("t_ping")>;
using news_atom = caf::atom_constant<caf::atom("t_news")>;
// Local, to the membership actor.
using join_atom = caf::atom_constant<caf::atom("t_join")>;
using leave_atom = caf::atom_constant<caf::atom("t_leave")>;
using tick_atom = caf::atom_constant<caf::atom("t_tick")>;
using publish_atom = caf::atom_constant<caf::atom("t_publish")>;
// Between name actors.
using claim_atom = caf::atom_constant<caf::atom("t_claim")>;
using release_atom = caf::atom_constant<caf::atom("t_release")>;
using holdings_atom = caf::atom_constant<caf::atom("t_holds")>;
using peek_atom = caf::atom_constant<caf::atom("t_peek")>;

/// Registers the types above with a node's configuration (before its actor system starts).
inline void add_cluster_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<member_card>("troupe.member_card");
  cfg.add_message_type<member_address>("troupe.member_address");
  cfg.add_message_type<std::vector<member_address>>("troupe.member_addresses");
  cfg.add_message_type<name_entry>("troupe.name_entry");
  cfg.add_message_type<std::vector<name_entry>>("troupe.name_entries");
  cfg.add_message_type<std::vector<awaits::edge>>("troupe.await_edges");
}

} // namespace troupe::detail
