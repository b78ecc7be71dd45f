// The membership actor of a node: who else is in the cluster and in what state.
//
// A joining node connects to the node it joins and says hello; the answer lists the members
// that node knows, and the node tells its members of the newcomer. Between two members that
// still have to meet, the one with the smaller node id connects (two nodes connecting to each
// other at once leave CAF 0.17 with a redundant connection whose replies can be lost). Pings
// carry a digest of the sender's member list; an answer from a node whose list differs brings
// its cards, so a member missed by a push is met within a ping. A node that says hello is up;
// a ping answer overdue makes it suspect; its lost connection (CAF's heartbeats and connection
// timeout) makes it down; its goodbye at shutdown makes it left.
//
// A node that itself stood still finds its links closed when it wakes: membership_stall.cpp.
#include <troupe/cluster.hpp>

#include <troupe/behavior.hpp>
#include <troupe/spawn.hpp>

#include "internal/membership.hpp"

namespace troupe {

const char* to_string(member_state s) noexcept {
  switch (s) {
    case member_state::up:
      return "up";
    case member_state::suspect:
      return "suspect";
    case member_state::down:
      return "down";
    case member_state::left:
      return "left";
  }
  return "unknown";
}

namespace detail {

behavior membership_actor(context& self, node_state* st) {
  using namespace membership_parts;
  auto m = std::make_shared<membership>(st);
  m->publish_view();
  self.send(self.handle(), tick_atom::value);
  return {
      [m, &self](hello_atom, member_card& from) {
        if (m->add(self, from))
          m->spread(self, from);
        return m->alive_addresses();
      },
      [m, &self](join_atom, member_card& c) -> caf::response_promise {
        // The node's join, once connected to `c`'s node.
        auto rp = self.make_response_promise();
        m->connecting.insert(c.id);
        m->introduce(self, c, [rp](caf::error err) mutable {
          if (err)
            rp.deliver(std::move(err));
          else
            rp.deliver(caf::unit);
        });
        return rp;
      },
      [m, &self](news_atom, member_address& c) { m->learn(self, c); },
      [m](ping_atom, double, std::uint64_t their_digest) {
        auto cards =
            their_digest == m->digest() ? std::vector<member_address>{} : m->alive_addresses();
        return caf::make_message(m->meter.share(), std::move(cards));
      },
      [m, &self](left_atom, const caf::node_id& who) {
        m->set_state(self, who, member_state::left);
        return caf::unit;
      },
      [m, &self](leave_atom) -> caf::response_promise {
        auto rp = self.make_response_promise();
        for (auto& [id, k] : m->members)
          if (alive(k.state))
            m->goodbye_pending.insert(id);
        if (m->goodbye_pending.empty()) {
          rp.deliver(caf::unit);
          return rp;
        }
        m->goodbye_done = rp;
        for (auto& [id, k] : m->members)
          if (alive(k.state))
            self.actor_core::request(k.card.membership, caf::duration{goodbye_timeout},
                                     left_atom::value, m->st->local_card().id)
                .then([m, id = id]() { m->goodbye_settled(id); },
                      [m, id = id](caf::error&) { m->goodbye_settled(id); });
        return rp;
      },
      [m, &self](tick_atom) { m->tick(self); },
      [m, &self](recheck_atom, const caf::node_id& id, std::uint64_t generation) {
        m->recheck(self, id, generation);
      },
      [m, &self](recheck_atom, const caf::node_id& id, std::uint64_t generation,
                 const caf::node_id& found, const caf::strong_actor_ptr& spawner) {
        m->reconnected(self, id, generation, found, spawner);
      },
      [m, &self](recheck_atom, const caf::node_id& id, std::uint64_t generation,
                 const caf::error& err) { m->recheck_failed(self, id, generation, err); },
      [m](publish_atom) {
        m->publish_view();
        return caf::unit;
      },
      [m, &self](members_subscribe_atom, caf::actor& who) {
        for (auto& [id, k] : m->members)
          self.send(who, member_event{m->describe(k), std::nullopt});
        m->subscribers.push_back(who);
        self.watch(who, [m, addr = who.address()](const result<void>&) {
          std::erase_if(m->subscribers, [&](const caf::actor& a) { return a.address() == addr; });
        });
      },
      [m, &self](members_await_atom, std::uint64_t n) -> caf::response_promise {
        auto rp = self.make_response_promise();
        if (m->alive_count() >= n)
          rp.deliver(caf::unit);
        else
          m->waiters.emplace_back(n, rp);
        return rp;
      },
  };
}
} // namespace detail

} // namespace troupe
