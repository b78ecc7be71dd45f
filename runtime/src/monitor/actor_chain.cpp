// `/api/v1/actors/{id}`: one actor with its await chain. The chain follows every await that
// names the actors it waits for (a reply, the halo of a tile grid, a collective, a receive naming
// its senders) through the await graph that `/api/v1/awaits` gathers from the whole cluster, so
// that it crosses nodes as the graph does.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "../internal/monitor_json.hpp"

namespace troupe::detail::monitor {

namespace json = boost::json;

namespace {

using key = std::pair<std::string, std::uint64_t>; // node, actor id there

// The chain as a depth-first walk of the graph from the actor: each link is one await of one
// actor (depth 1: the actor's own), followed by the links of the awaited actor. An actor's
// awaits are listed once; a link back to an actor on its own path is a cycle.
class chain_walk {
public:
  explicit chain_walk(const std::vector<awaits::member_edges>& members)
    : here_(members.empty() ? std::string{} : members.front().node) {
    for (auto& m : members) {
      if (!m.answered)
        problem_[m.node] = m.problem.empty() ? "no answer" : m.problem;
      for (auto& e : m.edges) {
        names_.emplace(key{e.from.node, e.from.actor}, e.from.name);
        if (e.names_peer())
          from_[key{e.from.node, e.from.actor}].push_back(&e);
      }
    }
  }

  void walk(const key& at, std::size_t depth) {
    expanded_.insert(at);
    on_path_.insert(at);
    auto it = from_.find(at);
    if (it == from_.end()) {
      on_path_.erase(at);
      return; // awaits nothing that names an actor
    }
    for (auto* e : it->second) {
      if (links_.size() >= chain_max_links) {
        truncated_ = true;
        break;
      }
      auto to = key{e->to.node, e->to.actor};
      json::object link{{"from", at.second}};
      if (at.first != here_)
        link["from_node"] = at.first;
      link["kind"] = e->expecting.empty() ? to_string(e->what_kind()) : e->expecting;
      if (e->what_kind() == await_info::kind::reply)
        link["awaits_reply_from"] = to.second;
      link["to"] = to.second;
      link["depth"] = depth;
      if (to.first == here_) {
        peers_.emplace_back(links_.size(), to.second);
      } else {
        link["peer_here"] = false;
        link["peer_node"] = to.first;
        if (auto name = names_.find(to); name != names_.end() && !name->second.empty())
          link["peer_name"] = name->second;
        else if (!e->to.name.empty())
          link["peer_name"] = e->to.name;
        if (auto p = problem_.find(to.first); p != problem_.end())
          link["peer_node_problem"] = p->second;
      }
      bool cycle = on_path_.contains(to);
      bool seen = !cycle && expanded_.contains(to);
      if (cycle)
        link["cycle"] = cycle_ = true;
      if (seen)
        link["seen"] = true;
      links_.push_back(std::move(link));
      if (cycle || seen)
        continue;
      if (depth >= chain_max_depth)
        truncated_ = true;
      else
        walk(to, depth + 1);
    }
    on_path_.erase(at);
  }

  /// The ids on this node that links await, each with its link's index.
  [[nodiscard]] const std::vector<std::pair<std::size_t, std::uint64_t>>& peers() const {
    return peers_;
  }

  json::array& links() {
    return links_;
  }

  [[nodiscard]] bool cycle() const {
    return cycle_;
  }

  [[nodiscard]] bool truncated() const {
    return truncated_;
  }

  [[nodiscard]] const std::string& here() const {
    return here_;
  }

private:
  std::string here_;
  std::map<key, std::vector<const awaits::edge*>> from_;
  std::map<key, std::string> names_;
  std::map<std::string, std::string> problem_;
  std::set<key> on_path_;
  std::set<key> expanded_;
  std::vector<std::pair<std::size_t, std::uint64_t>> peers_;
  json::array links_;
  bool cycle_ = false;
  bool truncated_ = false;
};

} // namespace

response actor_response(source& src, std::string_view id_text) {
  std::uint64_t id = 0;
  auto [p, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  std::vector<actor_info> self;
  if (ec == std::errc{} && p == id_text.data() + id_text.size())
    self = src.actors_by_id({id});
  if (self.empty())
    return error_response(404, "no live actor with id '" + std::string{id_text} +
                                   "' on this node (see /api/v1/actors)");
  auto taken = std::chrono::system_clock::now();
  auto graph = src.await_graph();
  chain_walk chain{graph};
  chain.walk(key{chain.here(), id}, 1);
  // The awaited actors of this node, as /api/v1/actors shows them; one that ended since the
  // graph was taken is no longer here.
  std::vector<std::uint64_t> ids;
  for (auto& [at, who] : chain.peers())
    ids.push_back(who);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto peers = src.actors_by_id(ids);
  for (auto& [at, who] : chain.peers()) {
    auto& link = chain.links()[at].as_object();
    auto it = std::lower_bound(peers.begin(), peers.end(), who,
                               [](const actor_info& a, std::uint64_t x) { return a.id < x; });
    bool found = it != peers.end() && it->id == who;
    link["peer_here"] = found;
    if (found)
      link["peer"] = actor_json(*it, taken);
  }
  json::object out{{"actor", actor_json(self.front(), taken)},
                   {"await_chain", std::move(chain.links())},
                   {"cycle", chain.cycle()}};
  if (chain.truncated())
    out["truncated"] = true;
  return json_response(out);
}

} // namespace troupe::detail::monitor
