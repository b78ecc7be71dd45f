// Placement: which member of the cluster a spawn_placed goes to.
#include <troupe/placement.hpp>

#include <algorithm>
#include <limits>

#include "internal/node_state.hpp"

namespace troupe {

result<member> pick_member(const std::vector<member>& members, const placement& p,
                           std::uint64_t counter) {
  std::vector<const member*> alive;
  for (auto& m : members)
    if (m.state == member_state::up || m.state == member_state::suspect)
      alive.push_back(&m);
  if (alive.empty())
    return error{errc::unreachable, "no member of the cluster is up"};
  switch (p.how) {
    case placement::kind::on:
      for (auto* m : alive)
        if (m->id == p.node)
          return *m;
      return error{errc::unreachable,
                   "node " + to_string(p.node) + " is not a member up (see node.members())"};
    case placement::kind::round_robin:
      return *alive[counter % alive.size()];
    case placement::kind::least_busy: {
      // Busy shares are measured over a second: within 0.05 of the least, members tie.
      double least = std::numeric_limits<double>::max();
      for (auto* m : alive)
        least = std::min(least, m->busy);
      std::erase_if(alive, [least](const member* m) { return m->busy > least + 0.05; });
      return *alive[counter % alive.size()];
    }
  }
  return error{errc::unreachable, "unknown placement"};
}

result<member> detail::place(caf::actor_system& sys, const placement& p) {
  auto* st = state_of(sys);
  if (st == nullptr)
    return error{errc::unreachable, "placement needs a troupe node"};
  std::vector<member> view;
  {
    std::lock_guard<std::mutex> guard{st->view_mtx};
    view = st->view;
  }
  return pick_member(view, p, st->placements.fetch_add(1, std::memory_order_relaxed));
}

result<caf::actor> node::spawn_placed(const placement& p, const std::string& type,
                                      caf::message args, std::chrono::milliseconds timeout) {
  auto where = detail::place(*state_->sys, p);
  if (!where)
    return error{where.error().code(),
                 "spawn_placed of '" + type + "': " + where.error().message()};
  return spawn_remote(where->at, type, std::move(args), timeout);
}

} // namespace troupe
