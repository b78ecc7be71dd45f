// Internal: opening a node's CAF connection to another node over a socket this node connected
// itself, with a deadline, so that a join never opens a second, throw-away connection.
#pragma once

#include <chrono>
#include <string>
#include <variant>

#include <caf/actor.hpp>
#include <caf/io/scribe.hpp>

#include <troupe/endpoint.hpp>

namespace troupe::detail {

class node_state;

/// A TCP socket connected to `ep` (non-blocking) before `deadline`, or why not ("Connection
/// refused"; no answer in time: nothing answers there, or its accept queue is full). CAF 0.17's
/// own connect blocks the node's middleman actor until the kernel gives up on a full accept
/// queue (about two minutes); this one never waits past `deadline`.
std::variant<int, std::string> connected_socket(const endpoint& ep,
                                                std::chrono::steady_clock::time_point deadline);

/// CAF's transport over `fd` (connected): TLS when the node uses TLS. Takes `fd` over; nullptr
/// (with `fd` closed) when no TLS session could be made.
caf::io::scribe_ptr make_scribe(node_state& st, int fd);

/// The node's BASP broker: it takes a scribe with `(connect_atom, scribe_ptr, port)` and
/// answers with the peer's node id, published actor and interface, as CAF's connect does.
caf::actor basp_broker(node_state& st);

} // namespace troupe::detail
