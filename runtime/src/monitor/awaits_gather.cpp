// Gathering the cluster's await graph for the monitor: this node's edges are read on the
// monitor's thread (never waiting for the pool's workers), every other member's are asked from
// its spawner through CAF, all at once, each with a short timeout.
#include <caf/scoped_actor.hpp>

#include "../internal/await_graph.hpp"
#include "../internal/node_state.hpp"

namespace troupe::detail::awaits {

std::vector<edge> local_edges(const node_state& st) {
  return edges_of(take_snapshot(st), node_label(st));
}

std::vector<member_edges> gather(node_state& st, std::chrono::milliseconds patience) {
  std::vector<member_edges> out;
  out.push_back({node_label(st), true, {}, local_edges(st)});
  std::vector<member> others;
  {
    std::lock_guard<std::mutex> guard{st.view_mtx};
    for (auto& m : st.view)
      if (!m.local && m.state != member_state::left)
        others.push_back(m);
  }
  if (others.empty())
    return out;
  // Hidden: the monitor's helper is no actor of the program, and the node's end does not wait
  // for it.
  caf::scoped_actor self{*st.sys, true};
  using handle = decltype(self->request(others.front().at.spawner, caf::duration{patience},
                                        awaits_atom::value));
  std::vector<std::pair<std::size_t, handle>> asked;
  for (auto& m : others) {
    out.push_back({m.address.to_string(), false, {}, {}});
    if (m.state == member_state::down || !m.at.spawner) {
      out.back().problem = "down";
      continue;
    }
    asked.emplace_back(out.size() - 1,
                       self->request(m.at.spawner, caf::duration{patience}, awaits_atom::value));
  }
  for (auto& [at, h] : asked) {
    auto& m = out[at];
    h.receive(
        [&m](std::vector<edge>& edges) {
          m.answered = true;
          m.edges = std::move(edges);
        },
        [&m, &st](caf::error& err) {
          m.problem = err == caf::sec::request_timeout ? "no answer in time" : st.sys->render(err);
        });
  }
  return out;
}

} // namespace troupe::detail::awaits
