// The name actor of a node: its copy of the cluster's name table. A registration claims the
// name on every member in node-id order (this node's included) before it succeeds, so two
// nodes registering one name meet at the first member both ask, and a lookup anywhere finds
// the name as soon as its registration returned. Each node tells a new member the names its
// own actors hold; names of a member that goes down or leaves are dropped by every node.
#include <troupe/names.hpp>

#include <map>
#include <memory>

#include <caf/scheduled_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <troupe/behavior.hpp>
#include <troupe/cluster.hpp>
#include <troupe/receive.hpp>

#include "internal/cluster_wire.hpp"
#include "internal/node_state.hpp"

namespace troupe {

namespace detail {

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// How long one member may take to answer a claim, and a lookup of a name this node lacks.
constexpr auto claim_timeout = 5s;
constexpr auto peek_timeout = 1s;

std::string describe_holder(const caf::actor& who) {
  return "actor " + std::to_string(who.id()) + " on node " + to_string(who.node());
}

struct waiter {
  std::string name;
  caf::response_promise rp;
  steady::time_point until;
};

struct name_table {
  explicit name_table(node_state* s)
    : st(s) {
  }

  node_state* st;
  std::map<std::string, caf::actor> held;
  std::vector<waiter> waiting;

  // Whether `who` is an actor of this node that has ended. Its down message reaches this actor
  // after CAF told the actor's other monitors (CAF runs them newest first), so a caller that saw
  // it end may ask before the name is gone; its closed mailbox says so at once (CAF closes it
  // before it sends any down message).
  bool ended_here(const caf::actor& who) const {
    if (!who || who.node() != st->node_id())
      return false;
    auto* sa = dynamic_cast<caf::scheduled_actor*>(caf::actor_cast<caf::abstract_actor*>(who));
    return sa != nullptr && sa->mailbox().closed();
  }

  // The holder of `name`, unless none or it ended here (then the name goes now).
  caf::actor holder(const std::string& name) {
    auto i = held.find(name);
    if (i == held.end())
      return {};
    if (ended_here(i->second)) {
      held.erase(i);
      return {};
    }
    return i->second;
  }

  caf::error claim(const std::string& name, const caf::actor& who) {
    auto i = held.find(name);
    if (i != held.end() && i->second != who && !ended_here(i->second))
      return make_error(errc::name_taken, "the name '" + name + "' is held by " +
                                              describe_holder(i->second) +
                                              "; unregister it there or pick another name");
    held[name] = who;
    std::erase_if(waiting, [&](waiter& w) {
      if (w.name != name)
        return false;
      w.rp.deliver(who);
      return true;
    });
    return {};
  }

  void release(const std::string& name, const caf::actor& who) {
    auto i = held.find(name);
    if (i != held.end() && i->second == who)
      held.erase(i);
  }

  std::vector<member_card> cards() const {
    std::lock_guard<std::mutex> guard{st->view_mtx};
    return st->cards;
  }

  bool is_alive(const caf::node_id& id) const {
    for (auto& c : cards())
      if (c.id == id)
        return true;
    return false;
  }

  // Whether this node saw the member `id` go down or leave.
  bool is_gone(const caf::node_id& id) const {
    std::lock_guard<std::mutex> guard{st->view_mtx};
    for (auto& m : st->view)
      if (m.id == id)
        return m.state == member_state::down || m.state == member_state::left;
    return false;
  }

  // Asks every other member for `name`; calls `then` with the first holder named, or with an
  // invalid handle when none names one (members that do not answer in time count as none).
  template <class F>
  void ask_members(context& self, const std::string& name, F then) {
    auto others = cards();
    std::erase_if(others, [&](const member_card& c) { return c.id == st->node_id(); });
    if (others.empty()) {
      then(caf::actor{});
      return;
    }
    struct pending {
      std::size_t left;
      bool done = false;
      F then;
    };
    auto p = std::make_shared<pending>(pending{others.size(), false, std::move(then)});
    for (auto& c : others)
      self.actor_core::request(c.names, caf::duration{peek_timeout}, peek_atom::value, name)
          .then(
              [p](caf::actor& a) {
                --p->left;
                if (p->done || (!a && p->left > 0))
                  return;
                p->done = true;
                p->then(std::move(a));
              },
              [p](caf::error&) {
                if (--p->left == 0 && !p->done) {
                  p->done = true;
                  p->then(caf::actor{});
                }
              });
  }

  // Tells every member (this node too) that `who` no longer holds `name`.
  void release_everywhere(context& self, const std::string& name, const caf::actor& who) {
    release(name, who);
    for (auto& c : cards())
      if (c.id != st->node_id())
        self.send(c.names, release_atom::value, name, who);
  }
};

// One registration: claims `name` on each member in order, then watches the holder.
struct registration : std::enable_shared_from_this<registration> {
  std::shared_ptr<name_table> t;
  context* self;
  std::string name;
  caf::actor who;
  caf::response_promise rp;
  std::vector<member_card> order;
  std::size_t next = 0;

  void fail(caf::error err) {
    for (std::size_t i = 0; i < next; ++i)
      if (order[i].id == t->st->node_id())
        t->release(name, who);
      else
        self->send(order[i].names, release_atom::value, name, who);
    rp.deliver(std::move(err));
  }

  void done() {
    auto table = t;
    auto n = name;
    auto holder = who;
    auto* s = self;
    self->watch(who, [table, s, n, holder](const result<void>&) {
      table->release_everywhere(*s, n, holder);
    });
    rp.deliver(caf::unit);
  }

  void step() {
    while (next < order.size() && order[next].id == t->st->node_id()) {
      if (auto err = t->claim(name, who)) {
        fail(std::move(err));
        return;
      }
      ++next;
    }
    if (next == order.size()) {
      done();
      return;
    }
    auto me = shared_from_this();
    self->actor_core::request(order[next].names, caf::duration{claim_timeout}, claim_atom::value,
                              name, who)
        .then(
            [me] {
              ++me->next;
              me->step();
            },
            [me](caf::error& err) {
              auto& member = me->order[me->next];
              if (err.category() == error_category_atom || me->t->is_alive(member.id)) {
                if (err.category() != error_category_atom)
                  err = make_error(errc::unreachable,
                                   "registering '" + me->name + "': member " + member.host + ":" +
                                       std::to_string(member.port) + " did not answer (" +
                                       to_string(err) + ")");
                me->fail(std::move(err));
                return;
              }
              // It went down meanwhile: its table no longer counts.
              ++me->next;
              me->step();
            });
  }
};

} // namespace

behavior names_actor(context& self, node_state* st) {
  auto t = std::make_shared<name_table>(st);
  subscribe_members(self);
  return {
      [t](claim_atom, const std::string& name, const caf::actor& who) -> caf::result<void> {
        if (auto err = t->claim(name, who))
          return err;
        return caf::unit;
      },
      [t](release_atom, const std::string& name, const caf::actor& who) { t->release(name, who); },
      [t](holdings_atom, std::vector<name_entry>& theirs) {
        for (auto& e : theirs)
          if (t->held.count(e.name) == 0)
            t->claim(e.name, e.holder);
      },
      [t, &self](name_register_atom, std::string& name, caf::actor& who) -> caf::response_promise {
        auto r = std::make_shared<registration>();
        r->t = t;
        r->self = &self;
        r->name = std::move(name);
        r->who = std::move(who);
        r->rp = self.make_response_promise();
        r->order = t->cards();
        auto rp = r->rp;
        if (!r->who)
          r->rp.deliver(make_error(errc::actor_exited,
                                   "registering '" + r->name + "': the actor handle is invalid"));
        else
          r->step();
        return rp;
      },
      [t, &self](name_unregister_atom, const std::string& name) -> caf::result<void> {
        auto i = t->held.find(name);
        if (i == t->held.end())
          return make_error(errc::no_such_name,
                            "unregistering '" + name + "': no actor is registered under it");
        auto who = i->second;
        t->release_everywhere(self, name, who);
        return caf::unit;
      },
      [t](peek_atom, const std::string& name) { return t->holder(name); },
      [t, &self](name_lookup_atom, std::string& name, bool wait,
                 std::int64_t timeout_ms) -> caf::response_promise {
        auto rp = self.make_response_promise();
        if (auto found = t->holder(name)) {
          rp.deliver(found);
          return rp;
        }
        // Not here (yet): a member that met this node moments ago may not have told it its
        // names. Ask the others before saying there is none.
        auto until = timeout_ms < 0 ? steady::time_point::max()
                                    : steady::now() + std::chrono::milliseconds{timeout_ms};
        t->ask_members(self, name, [t, name, wait, until, rp](caf::actor found) mutable {
          // A member that has not yet seen the holder's node go keeps its names a moment.
          if (found && !t->is_gone(found.node())) {
            t->claim(name, found);
            rp.deliver(found);
            return;
          }
          if (auto again = t->holder(name)) {
            rp.deliver(again);
            return;
          }
          if (!wait) {
            rp.deliver(make_error(errc::no_such_name,
                                  "no actor is registered as '" + name +
                                      "' in the cluster; register it first, or await_name to "
                                      "wait until it is"));
            return;
          }
          auto now = steady::now();
          std::erase_if(t->waiting, [now](const waiter& w) { return w.until < now; });
          t->waiting.push_back(waiter{name, rp, until});
        });
        return rp;
      },
      [t, &self, st](member_event& ev) {
        auto& m = ev.who;
        if (m.state == member_state::down || m.state == member_state::left) {
          std::erase_if(t->held, [&](auto& kv) { return kv.second.node() == m.id; });
          return;
        }
        if (ev.before || m.local)
          return;
        // A new member: tell it the names this node's actors hold.
        std::vector<name_entry> mine;
        for (auto& [name, who] : t->held)
          if (who.node() == st->node_id())
            mine.push_back(name_entry{name, who});
        if (mine.empty())
          return;
        for (auto& c : t->cards())
          if (c.id == m.id)
            self.send(c.names, holdings_atom::value, std::move(mine));
      },
  };
}

caf::actor names_of(context& self) {
  auto* st = state_of(self.home_system());
  return st != nullptr ? st->names : caf::actor{};
}

} // namespace detail

namespace {

// A failed blocking call to the name actor as troupe's error.
troupe::error blocking_error(caf::actor_system& sys, const caf::error& err,
                             const std::string& what) {
  if (err.category() == error_category_atom)
    return detail::from_troupe_category(err);
  if (err == caf::sec::request_timeout)
    return {errc::timeout, what + " timed out"};
  return {errc::request_failed, what + " failed: " + sys.render(err)};
}

caf::duration caf_timeout(duration d) {
  return d == infinite ? caf::infinite : caf::duration{d};
}

} // namespace

result<void> node::register_name(const std::string& name, const caf::actor& who, duration timeout) {
  caf::scoped_actor self{*state_->sys, true};
  result<void> out{errc::timeout, "registering '" + name + "' got no answer"};
  self->request(state_->names, caf_timeout(timeout), detail::name_register_atom::value, name, who)
      .receive([&] { out = {}; },
               [&](caf::error& err) {
                 out = blocking_error(*state_->sys, err, "registering '" + name + "'");
               });
  return out;
}

result<caf::actor> node::lookup(const std::string& name, duration timeout, bool wait) {
  caf::scoped_actor self{*state_->sys, true};
  result<caf::actor> out{errc::timeout, "looking up '" + name + "' got no answer"};
  self->request(state_->names, caf_timeout(timeout), detail::name_lookup_atom::value, name, wait,
                detail::millis(timeout))
      .receive([&](caf::actor& a) { out = std::move(a); },
               [&](caf::error& err) {
                 out = blocking_error(*state_->sys, err, "looking up '" + name + "'");
               });
  return out;
}

} // namespace troupe
