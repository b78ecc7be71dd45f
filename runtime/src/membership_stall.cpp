// Membership after this node itself stood still.
//
// A node that itself stood still (stopped, starved of CPU) past the connection timeout finds
// its links closed when it wakes: its peers rightly dropped it. It does not take that as their
// failure: a link lost while or shortly after this node stalled (stall_watch) makes the member
// suspect and is checked again, by connecting and saying hello within the connection timeout
// (of two such nodes, the one with the smaller id connects; the other waits half the timeout
// for its hello first). A member that answers is up again; one that does not is down. A member
// reported down that says hello again is up again (its peers reported it down while it stood
// still: it rejoins).
#include "internal/membership.hpp"

namespace troupe::detail::membership_parts {

void membership::lost(context& self, const caf::node_id& id, std::uint64_t generation) {
  auto i = members.find(id);
  if (i == members.end() || i->second.generation != generation || !alive(i->second.state))
    return;
  if (!stalls.stalled_within(stall_window)) {
    set_state(self, id, member_state::down);
    return;
  }
  i->second.rechecking = true;
  set_state(self, id, member_state::suspect);
  if (id < st->node_id())
    self.delayed_send(self.handle(), link_timeout / 2, recheck_atom::value, id, generation);
  else
    recheck(self, id, generation);
}

void membership::recheck(context& self, const caf::node_id& id, std::uint64_t generation) {
  auto i = members.find(id);
  if (i == members.end() || i->second.generation != generation || !i->second.rechecking)
    return;
  auto until = steady::now() + link_timeout;
  auto left = [until] {
    return caf::duration{
        std::max(std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now()),
                 std::chrono::milliseconds{1})};
  };
  auto fail = [this, &self, id, generation](caf::error&) {
    auto j = members.find(id);
    if (j == members.end() || j->second.generation != generation || !j->second.rechecking)
      return;
    j->second.rechecking = false;
    set_state(self, id, member_state::down);
  };
  auto& c = i->second.card;
  self.actor_core::request(network_actor(*st), left(), caf::connect_atom::value, c.host, c.port)
      .then(
          [this, &self, id, left, fail](caf::node_id& nid, caf::strong_actor_ptr& spawner,
                                        std::set<std::string>&) mutable {
            if (nid != id || !spawner) {
              caf::error err = caf::sec::cannot_connect_to_node;
              fail(err);
              return;
            }
            self.actor_core::request(caf::actor_cast<caf::actor>(spawner), left(), card_atom::value)
                .then(
                    [this, &self, left, fail](member_card& card) {
                      self.actor_core::request(card.membership, left(), hello_atom::value,
                                               st->local_card())
                          .then(
                              [this, &self, card](std::vector<member_address>& theirs) {
                                add(self, card);
                                for (auto& x : theirs)
                                  learn(self, x);
                              },
                              fail);
                    },
                    fail);
          },
          fail);
}

} // namespace troupe::detail::membership_parts
