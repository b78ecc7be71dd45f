// `/api/v1/awaits`: the edges gathered from every member, their cycles, and which members
// answered, as JSON that tools/troupe-top reads (docs/MONITOR.md).
#include <map>

#include <boost/json.hpp>

#include "../internal/monitor.hpp"

namespace troupe::detail::awaits {

namespace json = boost::json;

namespace {

using sys_clock = std::chrono::system_clock;

sys_clock::time_point at(std::int64_t ns) {
  return sys_clock::time_point{
      std::chrono::duration_cast<sys_clock::duration>(std::chrono::nanoseconds{ns})};
}

json::object end_json(const end& e) {
  return {{"node", e.node}, {"actor", e.actor}, {"name", e.name}};
}

// What a non-reply await waits for, as an end that troupe-top prints by its name.
json::object target_json(const edge& e) {
  json::object o;
  switch (e.what_kind()) {
    case await_info::kind::reply:
      return end_json(e.to);
    case await_info::kind::receive:
      if (!e.expecting.empty()) {
        o = end_json(e.to);
        o["types"] = e.what;
        break;
      }
      o["types"] = e.what;
      o["name"] = "a sender of (" + e.what + ")";
      break;
    case await_info::kind::timer:
      o["until"] = e.until_ns != 0 ? json::value(monitor::timestamp(at(e.until_ns))) : nullptr;
      o["name"] = "the clock";
      break;
    case await_info::kind::kernel:
      o["node"] = e.from.node;
      o["kernel"] = e.what;
      o["chunks_done"] = e.chunks_done;
      o["chunks_total"] = e.chunks_total;
      o["name"] = e.what + " (" + std::to_string(e.chunks_done) + "/" +
                  std::to_string(e.chunks_total) + " chunks)";
      break;
  }
  return o;
}

} // namespace

std::string graph_json(const std::vector<member_edges>& members, sys_clock::time_point now) {
  std::vector<edge> all;
  for (auto& m : members)
    all.insert(all.end(), m.edges.begin(), m.edges.end());
  // An awaited actor of another node is named by its own node's edges, when it awaits too.
  std::map<std::pair<std::string, std::uint64_t>, std::string> names;
  for (auto& e : all)
    names.emplace(std::pair{e.from.node, e.from.actor}, e.from.name);
  for (auto& e : all)
    if (e.names_peer() && e.to.name.empty())
      if (auto it = names.find({e.to.node, e.to.actor}); it != names.end())
        e.to.name = it->second;
  json::array edges;
  for (auto& e : all) {
    json::object o{
        {"from", end_json(e.from)},
        {"to", target_json(e)},
        {"kind", e.expecting.empty() ? to_string(e.what_kind()) : e.expecting},
        {"since", monitor::timestamp(at(e.since_ns))},
        {"waiting_seconds", std::chrono::duration<double>(now - at(e.since_ns)).count()}};
    if (e.until_ns != 0)
      o["until"] = monitor::timestamp(at(e.until_ns));
    edges.push_back(std::move(o));
  }
  auto found = find_cycles(all);
  json::array cycles;
  for (auto& c : found.cycles) {
    json::array chain;
    for (auto& e : c)
      chain.push_back(end_json(e));
    cycles.push_back(std::move(chain));
  }
  json::array who;
  for (auto& m : members) {
    json::object o{{"node", m.node}, {"answered", m.answered}};
    if (!m.problem.empty())
      o["problem"] = m.problem;
    who.push_back(std::move(o));
  }
  json::object out{{"taken", monitor::timestamp(now)},
                   {"edges", std::move(edges)},
                   {"cycles", std::move(cycles)},
                   {"members", std::move(who)}};
  if (found.truncated)
    out["cycles_truncated"] = true;
  return json::serialize(out);
}

} // namespace troupe::detail::awaits

namespace troupe::detail::monitor {

std::vector<awaits::member_edges> source::await_graph() {
  auto n = node();
  auto label = n.listening ? n.listening->to_string() : n.id;
  return {{label, true, {}, awaits::edges_of(actors(), label)}};
}

} // namespace troupe::detail::monitor
