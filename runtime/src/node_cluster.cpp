// A node's place in the cluster: its membership and name actors, the address it listens on
// (a joined node listens too, so that later members can connect to it: full mesh), its
// introduction card, and its goodbye at shutdown.
#include <troupe/node.hpp>

#include <cstring>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/scoped_actor.hpp>

#include "internal/node_state.hpp"
#include "internal/tls.hpp"

namespace troupe {

namespace {

using namespace std::chrono_literals;

bool is_wildcard(const std::string& host) {
  return host == "0.0.0.0" || host == "::" || host.empty();
}

// The local address this host uses to reach `peer` (no packet is sent: a UDP socket's connect
// only picks the route), or "" when there is none.
std::string local_address_towards(const endpoint& peer) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  auto port = std::to_string(peer.port == 0 ? 9 : peer.port);
  if (::getaddrinfo(peer.host.c_str(), port.c_str(), &hints, &found) != 0)
    return {};
  std::string out;
  for (auto* ai = found; ai != nullptr && out.empty(); ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
      continue;
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    char text[INET6_ADDRSTRLEN] = {};
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      const void* raw =
          addr.ss_family == AF_INET
              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in&>(addr).sin_addr)
              : &reinterpret_cast<sockaddr_in6&>(addr).sin6_addr;
      if (::inet_ntop(addr.ss_family, raw, text, sizeof text) != nullptr)
        out = text;
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return out;
}

// The host other nodes are told to connect to for a node bound to `bound`.
std::string advertised_host(const std::string& bound) {
  if (!is_wildcard(bound))
    return bound;
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) == 0 && name[0] != '\0')
    return name;
  return bound;
}

} // namespace

result<void> detail::start_cluster(node_state& st) {
  auto& sys = *st.sys;
  st.membership = spawn(sys, spawn_options{.name = "troupe.membership", .type = "membership"},
                        membership_actor, &st);
  st.names = spawn(sys, spawn_options{.name = "troupe.names", .type = "names"}, names_actor, &st);
  auto& cfg = *st.cfg;
  // Later members connect to every member they learn of: a joined node listens too, on the
  // address it reaches the node it joins from (on loopback for a loopback join).
  std::optional<endpoint> where = cfg.listen;
  bool announce = cfg.listen.has_value();
  if (!where && cfg.join) {
    auto host =
        is_loopback(cfg.join->host) ? std::string{"127.0.0.1"} : local_address_towards(*cfg.join);
    if (!host.empty())
      where = endpoint{host, 0};
  }
  member_card card{st.node_id(),
                   {},
                   0,
                   st.membership,
                   st.names,
                   st.spawner,
                   st.monitor_address ? st.monitor_address->to_string() : std::string{}};
  if (where) {
    auto listening = check_exposure(st, *where,
                                    announce ? "--listen " + where->to_string()
                                             : "--join " + cfg.join->to_string() +
                                                   ": this node listens for the other members on "
                                                   "the address it reaches that node from");
    if (listening)
      listening = listen(st, *where, announce);
    if (!listening) {
      // The membership actor waits for the card: give it one, so that the node can end.
      st.set_card(std::move(card));
      return listening.error();
    }
  }
  if (st.bound) {
    card.host = advertised_host(st.bound->host);
    card.port = st.bound->port;
  }
  st.set_card(std::move(card));
  track_for_signals(st);
  // The view holds this node (with its addresses) before the node's start returns.
  caf::scoped_actor self{*st.sys, true};
  self->request(st.membership, caf::duration{5s}, publish_atom::value)
      .receive([] {}, [](caf::error&) {});
  return {};
}

void detail::say_goodbye(node_state& st) {
  if (!st.membership)
    return;
  caf::scoped_actor self{*st.sys, true};
  self->request(st.membership, caf::duration{2s}, leave_atom::value)
      .receive([] {}, [](caf::error&) {});
}

std::vector<member> node::members() const {
  std::lock_guard<std::mutex> guard{state_->view_mtx};
  return state_->view;
}

result<void> node::await_members(std::size_t n, duration timeout) const {
  auto& st = *state_;
  auto enough = [&] {
    return static_cast<std::size_t>(std::count_if(st.view.begin(), st.view.end(), [](auto& m) {
             return m.state == member_state::up || m.state == member_state::suspect;
           })) >= n;
  };
  std::unique_lock<std::mutex> lock{st.view_mtx};
  if (timeout == infinite)
    st.view_changed.wait(lock, enough);
  else if (!st.view_changed.wait_for(lock, timeout, enough))
    return error{
        errc::timeout,
        "waited " +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()) +
            " ms for " + std::to_string(n) + " members; " + std::to_string(st.view.size()) +
            " known"};
  return {};
}

std::vector<member> cluster_members(context& self) {
  auto* st = detail::state_of(self.home_system());
  if (st == nullptr)
    return {};
  std::lock_guard<std::mutex> guard{st->view_mtx};
  return st->view;
}

caf::actor detail::membership_of(context& self) {
  auto* st = detail::state_of(self.home_system());
  return st != nullptr ? st->membership : caf::actor{};
}

void subscribe_members(context& self) {
  if (auto m = detail::membership_of(self))
    self.send(m, detail::members_subscribe_atom::value, self.handle());
}

} // namespace troupe
