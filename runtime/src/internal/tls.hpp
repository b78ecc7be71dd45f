// Internal: mutual TLS (CAF's openssl module) on every link of a node, and the rule that a
// node reachable from other hosts uses it.
#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/io/middleman_actor.hpp>

#include <troupe/endpoint.hpp>
#include <troupe/node_config.hpp>
#include <troupe/result.hpp>

namespace troupe::detail {

class node_state;

/// Puts `--tls-cert`, `--tls-key`, `--tls-ca` (which win over the config keys) into CAF's
/// `openssl_*` fields and checks them before the actor system starts: CAF's openssl module
/// raises its errors as exceptions inside its own threads, and without a certificate it would
/// silently pick anonymous ciphers. Returns whether TLS is on, or an error naming the flag.
result<bool> configure_tls(node_config& cfg);

/// Makes every refused TLS handshake of this process print one line on stderr saying why,
/// prefixed with `cfg.program` (tls_refusals.cpp).
void report_tls_refusals(const node_config& cfg);

/// The actor that opens and accepts the node's connections: CAF's openssl one with TLS, else
/// the middleman's.
caf::io::middleman_actor network_actor(node_state& st);

/// Publishes `whom` at `ep` through the network actor (`caf::openssl::publish` with TLS).
caf::expected<std::uint16_t> publish(node_state& st, const caf::actor& whom, const endpoint& ep);

/// Whether every address of `host` is a loopback address; a host that does not resolve counts
/// as loopback (listening there fails anyway, with its own message).
bool is_loopback(const std::string& host);

/// Refuses to listen on a non-loopback `ep` without TLS, unless `--insecure`; `what` names the
/// flag or the reason for listening there.
result<void> check_exposure(const node_state& st, const endpoint& ep, const std::string& what);

} // namespace troupe::detail
