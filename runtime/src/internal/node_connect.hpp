// Internal: opening a node's CAF connection to another node over a socket this node connected
// itself, with a deadline, so that a join never opens a second, throw-away connection.
#pragma once

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <variant>

#include <caf/actor.hpp>
#include <caf/blocking_actor.hpp>
#include <caf/error.hpp>
#include <caf/io/scribe.hpp>
#include <caf/node_id.hpp>

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

/// A CAF connection opened by `open_connection`: the peer's node id, the actor it publishes at
/// its port (null: none, so not a troupe node) and that actor's interface.
struct opened_connection {
  caf::node_id id;
  caf::strong_actor_ptr published;
  std::set<std::string> interface;
};

using connect_outcome = std::variant<opened_connection, std::string, caf::error>;

/// Whether a connection over plain TCP waits for the other node's handshake before CAF takes
/// it (node_connect.cpp says why). A join does not: a node that speaks TLS must see this one's
/// plain handshake at once to say that it does not speak TLS.
enum class handshake_first { wait, no };

/// Connects a socket to `ep` and opens CAF's connection over it before `deadline`, blocking
/// `self`: the connection, or why not -- a text when no socket connected, CAF's error after
/// (`request_timeout`: no CAF handshake came in time).
connect_outcome open_connection(node_state& st, caf::blocking_actor& self, const endpoint& ep,
                                std::chrono::steady_clock::time_point deadline,
                                handshake_first first);

/// Runs `open_connection` (waiting for the handshake) on a thread of its own (a hidden, detached
/// CAF actor) and calls `done` there with its outcome: for actors, which must not block.
void connect_detached(node_state& st, endpoint ep, std::chrono::steady_clock::time_point deadline,
                      std::function<void(connect_outcome)> done);

} // namespace troupe::detail
