// A node's network: listening on a port (and saying why a port cannot be bound), joining a
// listening node.
#include <troupe/node.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>
#include <thread>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "internal/node_connect.hpp"
#include "internal/node_state.hpp"
#include "internal/tls.hpp"

namespace troupe {

namespace {

// Why `ep` cannot be bound, in the words of the OS ("Address already in use"): CAF reports
// every failure as "tcp socket creation failed". Falls back to CAF's text.
std::string why_not_bindable(const endpoint& ep, std::string caf_text) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  auto port = std::to_string(ep.port);
  if (int rc = ::getaddrinfo(ep.host.c_str(), port.c_str(), &hints, &found); rc != 0)
    return "unknown host: " + std::string{::gai_strerror(rc)};
  std::string why = std::move(caf_text);
  for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
      continue;
    int rc = ::bind(fd, ai->ai_addr, ai->ai_addrlen);
    int err = errno;
    ::close(fd);
    if (rc != 0) {
      why = std::strerror(err);
      break;
    }
  }
  ::freeaddrinfo(found);
  return why;
}

using steady = std::chrono::steady_clock;

} // namespace

result<void> detail::listen(node_state& st, const endpoint& ep, bool announce) {
  // Publishing the spawner (rather than only opening the port) hands it to joining nodes in
  // CAF's handshake.
  auto port = publish(st, st.spawner, ep);
  if (!port)
    return error{errc::port_unavailable,
                 "--listen " + ep.to_string() + ": cannot listen there (" +
                     why_not_bindable(ep, st.sys->render(port.error())) +
                     "); pick a free port, or 0 for any, and a local address"};
  st.bound = endpoint{ep.host, *port};
  if (announce) {
    std::printf("listening on %s\n", st.bound->to_string().c_str());
    std::fflush(stdout);
  }
  return {};
}

namespace {

// One attempt to open a CAF connection to the node at `where`: its spawner, or why not.
struct connect_outcome {
  std::optional<peer> found;
  bool foreign = false;
  std::string why;
};

connect_outcome connect_once(detail::node_state& st, caf::scoped_actor& self, const endpoint& where,
                             steady::time_point deadline) {
  connect_outcome out;
  // The socket the node connects itself becomes CAF's connection: see node_connect.cpp.
  auto opened = detail::open_connection(st, *self, where, deadline, detail::handshake_first::no);
  if (auto* ok = std::get_if<detail::opened_connection>(&opened)) {
    if (ok->published)
      out.found = peer{std::move(ok->id), caf::actor_cast<caf::actor>(ok->published)};
    else
      out.foreign = true;
  } else if (auto* why = std::get_if<std::string>(&opened)) {
    out.why = std::move(*why);
  } else if (auto& err = std::get<caf::error>(opened); err != caf::sec::request_timeout) {
    out.why = st.sys->render(err);
  } else if (st.tls) {
    out.why = "it accepted the connection, but no TLS and CAF handshake followed (a refused TLS "
              "handshake is reported above, or by the other node)";
  } else {
    out.why = "it accepted the connection but sent no CAF handshake (a node started with "
              "--tls-cert, --tls-key and --tls-ca needs them here too)";
  }
  return out;
}

// Introduces this node to the cluster of `first` (connected already): takes its card and
// says hello; the membership actor meets the other members from there on (membership.cpp).
// Returns why not, or "" when done. While several nodes connect to one another at once, CAF
// 0.17 was seen to drop a fresh connection without a word, its request never answered: the
// caller then connects again.
std::string join_members(detail::node_state& st, caf::scoped_actor& self, const peer& first,
                         steady::time_point deadline) {
  auto attempt =
      std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()),
                 std::chrono::milliseconds{1}, std::chrono::milliseconds{1500});
  std::string why;
  std::optional<detail::member_card> card;
  self->request(first.spawner, attempt, detail::card_atom::value)
      .receive([&](detail::member_card& c) { card = std::move(c); },
               [&](caf::error& err) { why = "no membership card: " + st.sys->render(err); });
  if (!card)
    return why;
  self->request(st.membership, attempt * 2, detail::join_atom::value, *card)
      .receive([] {}, [&](caf::error& err) { why = "no hello: " + st.sys->render(err); });
  return why;
}

} // namespace

result<peer> node::join(const endpoint& where, std::chrono::milliseconds timeout) {
  // Hand CAF's BASP broker a connection opened here instead of calling middleman::connect: that
  // one blocks without a deadline when something at `where` accepts the TCP connection but never
  // completes CAF's handshake, and its remote_lookup waits up to five minutes for a peer that
  // died meanwhile.
  // A troupe node publishes its spawner at its listening port, so the handshake brings it along.
  auto& sys = *state_->sys;
  caf::scoped_actor self{sys, true}; // hidden: not one of the actors shutdown awaits
  auto deadline = steady::now() + timeout;
  std::string last_error;
  for (;;) {
    auto outcome = connect_once(*state_, self, where, deadline);
    if (outcome.found) {
      auto why = join_members(*state_, self, *outcome.found, deadline);
      if (why.empty()) {
        state_->joined = outcome.found;
        return *outcome.found;
      }
      outcome.why = "connected, but " + why;
    }
    if (outcome.foreign)
      return error{errc::unreachable, "--join " + where.to_string() +
                                          ": connected, but the peer is not a troupe node "
                                          "listening there"};
    last_error = outcome.why;
    if (steady::now() >= deadline)
      break;
    // A retry loop of the runtime, not a test: the peer may still be starting.
    std::this_thread::sleep_for(
        std::min(std::chrono::milliseconds{100},
                 std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now())));
  }
  auto secs = std::chrono::duration<double>(timeout).count();
  std::ostringstream within;
  within << secs;
  return error{errc::unreachable, "--join " + where.to_string() + ": no node answered within " +
                                      within.str() + " s (" + last_error +
                                      "); start the other node with --listen " + where.to_string() +
                                      " first"};
}

} // namespace troupe
