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
//
// A check that fails before its time is up is tried again: a connection CAF 0.17.6 opens is
// closed as timed out (sec::connection_timeout) by the broker's next heartbeat tick when the
// other node's handshake has not come by then (its connect handler leaves the connection's
// last-seen time at the clock's epoch), which is what happens when that node is slow to answer
// -- itself just awake, or paused briefly; and a node that wakes may still be handed its cached,
// dead connection to the member once.
#include "internal/membership.hpp"
#include "internal/node_connect.hpp"

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
  if (id < st->node_id()) {
    i->second.recheck_until = steady::now() + link_timeout / 2 + link_timeout;
    self.delayed_send(self.handle(), link_timeout / 2, recheck_atom::value, id, generation);
  } else {
    i->second.recheck_until = steady::now() + link_timeout;
    recheck(self, id, generation);
  }
}

void membership::recheck(context& self, const caf::node_id& id, std::uint64_t generation) {
  auto i = members.find(id);
  if (i == members.end() || i->second.generation != generation || !i->second.rechecking)
    return;
  // On a thread of its own: the connection waits for the member's handshake before CAF's broker
  // takes it (node_connect.cpp says why), and the answer comes back as a message.
  auto& c = i->second.card;
  connect_detached(*st, endpoint{c.host, c.port}, i->second.recheck_until,
                   [me = self.handle(), id, generation](connect_outcome r) {
                     if (auto* ok = std::get_if<opened_connection>(&r); ok && ok->published)
                       caf::anon_send(me, recheck_atom::value, id, generation, ok->id,
                                      ok->published);
                     else if (auto* err = std::get_if<caf::error>(&r))
                       caf::anon_send(me, recheck_atom::value, id, generation, *err);
                     else
                       caf::anon_send(me, recheck_atom::value, id, generation,
                                      caf::error{caf::sec::cannot_connect_to_node});
                   });
}

void membership::reconnected(context& self, const caf::node_id& id, std::uint64_t generation,
                             const caf::node_id& found, const caf::strong_actor_ptr& spawner) {
  auto i = members.find(id);
  if (i == members.end() || i->second.generation != generation || !i->second.rechecking)
    return;
  if (found != id) {
    recheck_failed(self, id, generation, caf::sec::cannot_connect_to_node);
    return;
  }
  auto until = i->second.recheck_until;
  auto left = [until] {
    return caf::duration{
        std::max(std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now()),
                 std::chrono::milliseconds{1})};
  };
  auto fail = [this, &self, id, generation](caf::error& err) {
    recheck_failed(self, id, generation, err);
  };
  self.actor_core::request(caf::actor_cast<caf::actor>(spawner), left(), card_atom::value)
      .then(
          [this, &self, left, fail](member_card& card) {
            self.actor_core::request(card.membership, left(), hello_atom::value, st->local_card())
                .then(
                    [this, &self, card](std::vector<member_address>& theirs) {
                      add(self, card);
                      for (auto& x : theirs)
                        learn(self, x);
                    },
                    fail);
          },
          fail);
}

void membership::recheck_failed(context& self, const caf::node_id& id, std::uint64_t generation,
                                const caf::error& err) {
  auto i = members.find(id);
  if (i == members.end() || i->second.generation != generation || !i->second.rechecking)
    return;
  if (steady::now() + recheck_pause < i->second.recheck_until) {
    self.delayed_send(self.handle(), recheck_pause, recheck_atom::value, id, generation);
    return;
  }
  i->second.rechecking = false;
  std::fprintf(stderr,
               "%s: warning: member %s:%u did not answer within the connection timeout after "
               "this node stood still (%s): reported down\n",
               st->cfg->program.c_str(), i->second.card.host.c_str(), unsigned{i->second.card.port},
               to_string(err).c_str());
  set_state(self, id, member_state::down);
}

} // namespace troupe::detail::membership_parts
