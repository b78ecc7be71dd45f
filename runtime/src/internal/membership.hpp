// Internal: the state of a node's membership actor (membership.cpp: its behavior;
// membership_stall.cpp: checking members again after this node stood still).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>

#include <time.h>

#include <troupe/cluster.hpp>
#include <troupe/context.hpp>

#include "cluster_wire.hpp"
#include "node_state.hpp"
#include "stall_watch.hpp"
#include "tls.hpp"

namespace troupe::detail::membership_parts {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// How often members are pinged, and how long an unanswered one makes a member suspect. Pings
// are answered by the member's membership actor on its pool: a node whose workers are busy
// answers late, which is what suspect means (down comes only from the transport).
constexpr auto ping_every = 500ms;
constexpr auto suspect_after = 2s;
// How long a hello may take (the join retries it).
constexpr auto hello_timeout = 1s;
// How long a goodbye waits for each member's acknowledgement at shutdown.
constexpr auto goodbye_timeout = 1s;
// How long a failed check of a member after a stall waits before it tries again.
constexpr auto recheck_pause = 200ms;
// How long a node tries to meet a member it heard of.
constexpr auto learn_for = 10s;

// Local, to the membership actor: a member checked again after a stall that has not said hello.
using recheck_atom = caf::atom_constant<caf::atom("t_recheck")>;

inline bool alive(member_state s) {
  return s == member_state::up || s == member_state::suspect;
}

// The process's CPU time per worker since the last reading: the busy share reported in pings.
class busy_meter {
public:
  double read(std::size_t workers) {
    auto now = steady::now();
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    double cpu = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    double wall = std::chrono::duration<double>(now - last_wall_).count();
    if (last_cpu_ >= 0 && wall > 0 && workers > 0)
      share_ = std::clamp((cpu - last_cpu_) / wall / static_cast<double>(workers), 0.0, 1.0);
    last_cpu_ = cpu;
    last_wall_ = now;
    return share_;
  }

  [[nodiscard]] double share() const noexcept {
    return share_;
  }

private:
  double last_cpu_ = -1;
  steady::time_point last_wall_ = steady::now();
  double share_ = 0;
};

struct known {
  member_card card;
  member_state state = member_state::up;
  double busy = 0;
  steady::time_point last_answer = steady::now();
  double rtt_seconds = 0;
  // Counts the watches on the member's membership actor: a lost link reported by an older one
  // (the member rejoined since) is not news.
  std::uint64_t generation = 0;
  // Whether it is being checked again after a stall of this node, and until when.
  bool rechecking = false;
  steady::time_point recheck_until;
};

struct membership {
  explicit membership(node_state* s)
    : st(s)
    , link_timeout(caf::get_or(s->sys->config(), "middleman.connection-timeout",
                               caf::timespan{std::chrono::seconds{2}}))
    , stall_window(link_timeout + 2 * caf::get_or(s->sys->config(), "middleman.heartbeat-interval",
                                                  caf::timespan{500ms})) {
  }

  node_state* st;
  std::map<caf::node_id, known> members;
  std::vector<caf::actor> subscribers;
  std::vector<std::pair<std::uint64_t, caf::response_promise>> waiters;
  busy_meter meter;
  stall_watch stalls;
  // CAF closes a link silent this long; a link lost within `stall_window` after this node stood
  // still is checked again before its member is reported down.
  caf::timespan link_timeout;
  caf::timespan stall_window;
  // Members this node is connecting to or saying hello to, and until when it tries to meet
  // those it heard of (learn).
  std::set<caf::node_id> connecting;
  std::map<caf::node_id, steady::time_point> learn_until;
  // While this node says goodbye: the members yet to answer, and who waits for them all.
  std::set<caf::node_id> goodbye_pending;
  std::optional<caf::response_promise> goodbye_done;

  // A member answered the goodbye, or cannot any more (it left or went down meanwhile: members
  // ending together must not wait out the goodbye timeout for each other).
  void goodbye_settled(const caf::node_id& id) {
    if (goodbye_pending.erase(id) != 0 && goodbye_pending.empty() && goodbye_done) {
      goodbye_done->deliver(caf::unit);
      goodbye_done.reset();
    }
  }

  member describe(const known& k) const {
    return member{k.card.id, endpoint{k.card.host, k.card.port}, k.state,        k.busy,
                  false,     peer{k.card.id, k.card.spawner},    k.card.monitor, k.rtt_seconds};
  }

  member describe_self() const {
    auto c = st->local_card();
    return member{c.id, endpoint{c.host, c.port}, member_state::up, meter.share(),
                  true, peer{c.id, c.spawner},    c.monitor};
  }

  std::vector<member> view() const {
    std::vector<member> out;
    out.reserve(members.size() + 1);
    out.push_back(describe_self());
    for (auto& [id, k] : members)
      out.push_back(describe(k));
    std::sort(out.begin(), out.end(), [](const member& x, const member& y) { return x.id < y.id; });
    return out;
  }

  std::uint64_t alive_count() const {
    return 1 +
           static_cast<std::uint64_t>(std::count_if(
               members.begin(), members.end(), [](auto& kv) { return alive(kv.second.state); }));
  }

  // Tells the node, the subscribers and the waiters that `id` changed (or is new: no `before`).
  void changed(context& self, const known& k, std::optional<member_state> before) {
    if (!alive(k.state))
      goodbye_settled(k.card.id);
    publish_view();
    for (auto& sub : subscribers)
      self.send(sub, member_event{describe(k), before});
    auto n = alive_count();
    std::erase_if(waiters, [n](auto& w) {
      if (w.first > n)
        return false;
      w.second.deliver(caf::unit);
      return true;
    });
  }

  // The view shown changes in place: a new round trip is no change to wake waiters for.
  void record_rtt(const known& k) {
    std::lock_guard<std::mutex> guard{st->view_mtx};
    for (auto& m : st->view)
      if (m.id == k.card.id)
        m.rtt_seconds = k.rtt_seconds;
  }

  void publish_view() {
    auto v = view();
    auto c = alive_cards();
    std::sort(c.begin(), c.end(),
              [](const member_card& x, const member_card& y) { return x.id < y.id; });
    {
      std::lock_guard<std::mutex> guard{st->view_mtx};
      st->view = std::move(v);
      st->cards = std::move(c);
    }
    st->view_changed.notify_all();
  }

  void set_state(context& self, const caf::node_id& id, member_state to) {
    auto i = members.find(id);
    if (i == members.end() || i->second.state == to || !alive(i->second.state))
      return;
    auto before = i->second.state;
    i->second.state = to;
    changed(self, i->second, before);
  }

  // Adds `c` as up unless known and alive; takes back a member reported down or being checked
  // again after a stall (with the card it sends now). Returns whether it was new.
  bool add(context& self, const member_card& c) {
    if (c.id == st->node_id())
      return false;
    auto i = members.find(c.id);
    if (i != members.end() && i->second.state != member_state::down && !i->second.rechecking)
      return false;
    std::optional<member_state> before;
    if (i != members.end())
      before = i->second.state;
    auto& k = members[c.id];
    k.card = c;
    k.state = member_state::up;
    k.rechecking = false;
    k.last_answer = steady::now();
    auto id = c.id;
    auto generation = ++k.generation;
    self.watch(c.membership,
               [this, &self, id, generation](const result<void>&) { lost(self, id, generation); });
    if (before != member_state::up)
      changed(self, k, before);
    return !before;
  }

  // The link to `id` is gone. Down, unless this node stood still lately: then check again
  // (membership_stall.cpp).
  void lost(context& self, const caf::node_id& id, std::uint64_t generation);

  // Connects to `id` again and says hello, within the connection timeout; down if it fails.
  // The connection is opened on another thread (reconnected, recheck_failed: its outcome).
  void recheck(context& self, const caf::node_id& id, std::uint64_t generation);
  void reconnected(context& self, const caf::node_id& id, std::uint64_t generation,
                   const caf::node_id& found, const caf::strong_actor_ptr& spawner);
  void recheck_failed(context& self, const caf::node_id& id, std::uint64_t generation,
                      const caf::error& err);

  std::vector<member_card> alive_cards() const {
    std::vector<member_card> out{st->local_card()};
    for (auto& [id, k] : members)
      if (alive(k.state))
        out.push_back(k.card);
    return out;
  }

  std::vector<member_address> alive_addresses() const {
    std::vector<member_address> out;
    for (auto& c : alive_cards())
      out.push_back(member_address{c.id, c.host, c.port});
    return out;
  }

  // A digest of the members alive here, this node included: equal digests, equal lists.
  std::uint64_t digest() const {
    auto h = [](const caf::node_id& id) {
      return std::hash<caf::node_id>{}(id)*0x9e3779b97f4a7c15ULL;
    };
    std::uint64_t d = h(st->node_id());
    for (auto& [id, k] : members)
      if (alive(k.state))
        d += h(id);
    return d;
  }

  // Hears of `c`: meets it unless known, or unless it has the smaller id (it meets this node):
  // connects, takes its card from its spawner (what the connection brings) and says hello. A
  // failed connection is tried again for up to `learn_for` (membership_stall.cpp says why one
  // can fail on a slow first answer).
  void learn(context& self, const member_address& c) {
    auto own = st->node_id();
    if (c.id == own || members.count(c.id) != 0 || connecting.count(c.id) != 0 || c.id < own)
      return;
    connecting.insert(c.id);
    auto until = learn_until.try_emplace(c.id, steady::now() + learn_for).first->second;
    auto mm = network_actor(*st);
    auto unreachable = [this, &self, c, until](caf::error& err) {
      connecting.erase(c.id);
      if (steady::now() + recheck_pause < until) {
        self.delayed_send(self.handle(), recheck_pause, news_atom::value, c);
        return;
      }
      learn_until.erase(c.id);
      std::fprintf(stderr, "%s: warning: member %s:%u of the cluster is unreachable (%s)\n",
                   st->cfg->program.c_str(), c.host.c_str(), unsigned{c.port},
                   to_string(err).c_str());
    };
    auto left =
        std::max(std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now()),
                 std::chrono::milliseconds{1});
    self.actor_core::request(mm, caf::duration{left}, caf::connect_atom::value, c.host, c.port)
        .then(
            [this, &self, unreachable](caf::node_id&, caf::strong_actor_ptr& spawner,
                                       std::set<std::string>&) {
              self.actor_core::request(caf::actor_cast<caf::actor>(spawner), caf::duration{10s},
                                       card_atom::value)
                  .then([this,
                         &self](member_card& card) { introduce(self, card, [](caf::error) {}); },
                        unreachable);
            },
            unreachable);
  }

  // Says hello to `c` (connected already), adds it and meets the members it knows; calls
  // `then` with the failure, if any.
  template <class F>
  void introduce(context& self, const member_card& c, F then) {
    self.actor_core::request(c.membership, caf::duration{hello_timeout}, hello_atom::value,
                             st->local_card())
        .then(
            [this, &self, c, then](std::vector<member_address>& theirs) mutable {
              connecting.erase(c.id);
              learn_until.erase(c.id);
              add(self, c);
              for (auto& x : theirs)
                learn(self, x);
              then(caf::error{});
            },
            [this, c, then](caf::error& err) mutable {
              connecting.erase(c.id);
              learn_until.erase(c.id);
              then(std::move(err));
            });
  }

  // Tells the other members alive of `c`, new here.
  void spread(context& self, const member_card& c) {
    for (auto& [id, k] : members)
      if (id != c.id && alive(k.state))
        self.send(k.card.membership, news_atom::value, member_address{c.id, c.host, c.port});
  }

  void tick(context& self) {
    auto busy = meter.read(st->cfg->threads);
    auto now = steady::now();
    for (auto& [id, k] : members) {
      if (!alive(k.state))
        continue;
      if (k.state == member_state::up && now - k.last_answer > suspect_after)
        set_state(self, id, member_state::suspect);
      auto who = id;
      self.actor_core::request(k.card.membership, caf::duration{suspect_after}, ping_atom::value,
                               busy, digest())
          .then(
              [this, &self, who, now](double their_busy, std::vector<member_address>& theirs) {
                for (auto& c : theirs)
                  learn(self, c);
                auto i = members.find(who);
                if (i == members.end() || !alive(i->second.state))
                  return;
                i->second.last_answer = steady::now();
                i->second.busy = their_busy;
                i->second.rtt_seconds =
                    std::chrono::duration<double>(i->second.last_answer - now).count();
                record_rtt(i->second);
                set_state(self, who, member_state::up);
              },
              [](caf::error&) {});
    }
    self.delayed_send(self.handle(), ping_every, tick_atom::value);
  }
};

} // namespace troupe::detail::membership_parts
