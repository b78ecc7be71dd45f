#include "views.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include <boost/json/serialize.hpp>

#include "json_read.hpp"
#include "table.hpp"

namespace troupe_top {

namespace {

std::string value_text(const json::value& v) {
  if (v.is_string())
    return std::string{v.as_string()};
  if (v.is_number()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v.to_number<double>());
    return buf;
  }
  return json::serialize(v);
}

// The first of `keys` that is a number, else -1: the sim route's names may still change.
double first_number(const json::object& o, std::initializer_list<std::string_view> keys) {
  for (auto k : keys)
    if (auto v = number_of(o, k, -1); v >= 0)
      return v;
  return -1;
}

bool is_paused(const json::object& sim) {
  if (auto it = sim.find("paused"); it != sim.end() && it->value().is_bool())
    return it->value().as_bool();
  return text_of(sim, "state") == "paused";
}

std::string sim_line(const cluster_view& v) {
  if (!v.sim.value)
    return "simulation: " + v.sim.absent;
  auto& s = *v.sim.value;
  auto step = first_number(s, {"step"});
  auto total = first_number(s, {"total", "total_steps", "steps"});
  auto rate = first_number(s, {"steps_per_second", "steps_per_s"});
  auto eta = first_number(s, {"eta_seconds", "eta"});
  std::string line = "simulation: step " + (step < 0 ? std::string{"?"} : fixed(step, 0));
  if (total > 0) {
    auto frac = std::clamp(step / total, 0.0, 1.0);
    line += "/" + fixed(total, 0) + " " + progress_bar(frac, 30) + " " + fixed(frac * 100, 1) + "%";
  }
  if (rate >= 0)
    line += "  " + fixed(rate, rate < 10 ? 2 : 1) + " steps/s";
  if (eta >= 0)
    line += "  ETA " + short_duration(eta);
  if (is_paused(s))
    line += "  PAUSED";
  if (auto it = s.find("parameters"); it != s.end() && it->value().is_object()) {
    std::string params;
    for (auto& [k, val] : it->value().as_object())
      params += (params.empty() ? "" : " ") + std::string{k} + "=" + value_text(val);
    if (!params.empty())
      line += "  [" + params + "]";
  }
  return line;
}

// An end of an edge or a member of a cycle: {"node", "actor", "name"} or a bare id.
std::string end_text(const json::value& e) {
  if (!e.is_object())
    return e.is_string() ? std::string{e.as_string()} : json::serialize(e);
  auto& o = e.as_object();
  std::string s = text_of(o, "name");
  auto id = number_of(o, "actor", number_of(o, "id", -1));
  if (id >= 0)
    s += (s.empty() ? "" : "#") + fixed(id, 0);
  if (auto node = text_of(o, "node"); !node.empty())
    s += "@" + node;
  return s.empty() ? json::serialize(e) : s;
}

const json::array* array_at(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? &it->value().as_array() : nullptr;
}

} // namespace

std::string progress_bar(double fraction, int width) {
  auto filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * width + 0.5);
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

std::vector<std::string> header_lines(const cluster_view& v, const std::string& attached_to) {
  std::size_t up = 0;
  double busy = 0;
  std::size_t workers = 0;
  double msgs = 0;
  double actors = 0;
  for (auto& m : v.members) {
    if (!m.answered)
      continue;
    ++up;
    if (auto list = array_at(m.node, "workers"))
      for (auto& w : *list)
        if (w.is_object()) {
          busy += number_of(w.as_object(), "busy_ratio");
          ++workers;
        }
    msgs += number_of(m.node, "messages_per_second");
    actors += number_of(m.node, "actors");
  }
  std::vector<std::string> out;
  out.push_back("troupe-top " + attached_to + "   nodes " + std::to_string(up) + "/" +
                std::to_string(v.members.size()) + " up   workers " + std::to_string(workers) +
                " busy " + fixed(workers ? busy / static_cast<double>(workers) * 100 : 0, 1) +
                "%   messages/s " + fixed(msgs, 1) + "   actors " + fixed(actors, 0));
  out.push_back(sim_line(v));
  for (auto& m : v.members) {
    std::string line = "node " + m.address + "  ";
    if (m.answered)
      line += (m.state.empty() ? "up" : m.state) + "  actors " +
              fixed(number_of(m.node, "actors"), 0) + "  messages/s " +
              fixed(number_of(m.node, "messages_per_second"), 1) + "  monitor " + m.monitor;
    else
      line += "down  " + m.problem;
    out.push_back(std::move(line));
  }
  return out;
}

std::vector<std::string> detail_lines(const json::object& detail, const std::string& node) {
  std::vector<std::string> out;
  auto it = detail.find("actor");
  if (it == detail.end() || !it->value().is_object())
    return {"the node answered without an actor"};
  auto& a = it->value().as_object();
  out.push_back("actor " + fixed(number_of(a, "id"), 0) + " \"" + text_of(a, "name") + "\" (" +
                text_of(a, "type") + ") on " + node);
  out.push_back(
      "  state " + text_of(a, "state") + "  mailbox " + fixed(number_of(a, "mailbox"), 0) +
      "  stashed " + fixed(number_of(a, "stashed"), 0) + "  received " +
      fixed(number_of(a, "received"), 0) + "  sent " + fixed(number_of(a, "sent"), 0) + "  busy " +
      fixed(number_of(a, "busy_seconds"), 3) + " s  spawned " + text_of(a, "spawned"));
  auto awaits = array_at(a, "awaits");
  if (!awaits || awaits->empty())
    out.push_back("  awaits nothing");
  else
    for (auto& w : *awaits)
      if (w.is_object())
        out.push_back("  awaits " + describe_await(w.as_object()) + " for " +
                      short_duration(number_of(w.as_object(), "waiting_seconds")) + " (since " +
                      text_of(w.as_object(), "since") + ")");
  auto chain = array_at(detail, "await_chain");
  if (chain && !chain->empty()) {
    out.push_back("await chain:");
    for (auto& l : *chain) {
      if (!l.is_object())
        continue;
      auto& link = l.as_object();
      // Each link is indented by its depth: the awaits of the actor a link names follow it.
      auto depth = static_cast<std::size_t>(std::max(1.0, number_of(link, "depth")));
      auto kind = text_of(link, "kind");
      auto to = link.contains("to") ? number_of(link, "to") : number_of(link, "awaits_reply_from");
      std::string line = std::string(2 * depth, ' ') + fixed(number_of(link, "from"), 0);
      if (auto from_node = text_of(link, "from_node"); !from_node.empty())
        line += "@" + from_node;
      line += (kind.empty() || kind == "reply" ? " awaits a reply from "
                                               : " awaits " + kind + " from ") +
              fixed(to, 0);
      auto here = link.find("peer_here");
      auto peer = link.find("peer");
      if (here != link.end() && here->value().is_bool() && !here->value().as_bool()) {
        auto node = text_of(link, "peer_node");
        auto name = text_of(link, "peer_name");
        line += node.empty() ? " (on another node)"
                             : (name.empty() ? "" : " \"" + name + "\"") + " on " + node;
        if (auto problem = text_of(link, "peer_node_problem"); !problem.empty())
          line += " (" + problem + ")";
      } else if (peer != link.end() && peer->value().is_object()) {
        auto& p = peer->value().as_object();
        line += " \"" + text_of(p, "name") + "\" " + text_of(p, "state");
        if (auto pw = array_at(p, "awaits"); pw && !pw->empty() && pw->front().is_object())
          line += ", which awaits " + describe_await(pw->front().as_object());
      }
      if (auto c = link.find("cycle");
          c != link.end() && c->value().is_bool() && c->value().as_bool())
        line += "  [CYCLE]";
      else if (auto seen = link.find("seen");
               seen != link.end() && seen->value().is_bool() && seen->value().as_bool())
        line += " (its awaits above)";
      out.push_back(std::move(line));
    }
  }
  if (auto c = detail.find("cycle");
      c != detail.end() && c->value().is_bool() && c->value().as_bool())
    out.push_back("CYCLE: the chain comes back to an actor already in it (a deadlock)");
  if (auto t = detail.find("truncated");
      t != detail.end() && t->value().is_bool() && t->value().as_bool())
    out.push_back("... the chain goes on: the node lists 32 levels and 1,000 links at most");
  return out;
}

std::vector<std::string> graph_lines(const json::object& graph) {
  std::vector<std::string> out;
  auto edges = array_at(graph, "edges");
  auto cycles = array_at(graph, "cycles");
  std::size_t edge_count = edges ? edges->size() : 0;
  std::size_t cycle_count = cycles ? cycles->size() : 0;
  out.push_back("await graph: " + std::to_string(edge_count) + " awaits, " +
                std::to_string(cycle_count) + (cycle_count == 1 ? " cycle" : " cycles"));
  std::set<std::string> on_cycle;
  if (cycles)
    for (std::size_t i = 0; i < cycles->size(); ++i) {
      const json::array* chain = nullptr;
      auto& c = (*cycles)[i];
      if (c.is_array())
        chain = &c.as_array();
      else if (c.is_object())
        chain = array_at(c.as_object(), "chain");
      std::string line = "CYCLE " + std::to_string(i + 1) + ":";
      if (chain) {
        for (auto& e : *chain) {
          on_cycle.insert(end_text(e));
          line += " " + end_text(e) + " ->";
        }
        if (!chain->empty())
          line += " " + end_text(chain->front());
      }
      out.push_back(std::move(line));
    }
  if (edges)
    for (auto& e : *edges) {
      if (!e.is_object())
        continue;
      auto& o = e.as_object();
      auto from = o.contains("from") ? end_text(o.at("from")) : std::string{"?"};
      auto to = o.contains("to") ? end_text(o.at("to")) : std::string{"?"};
      auto kind = text_of(o, "kind");
      std::string line = "  " + from + " awaits " + (kind.empty() ? "" : kind + " from ") + to;
      if (auto w = number_of(o, "waiting_seconds", -1); w >= 0)
        line += " for " + short_duration(w);
      if (on_cycle.count(from) && on_cycle.count(to))
        line += "  [CYCLE]";
      out.push_back(std::move(line));
    }
  return out;
}

} // namespace troupe_top
