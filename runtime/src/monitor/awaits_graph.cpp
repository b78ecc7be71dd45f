// The await graph as data: a node's edges from its snapshot, and the cycles of edges that name
// a peer (deadlocks) among the edges of every member. Pure functions: the fuzz target and the unit
// tests use them without a node.
#include <algorithm>
#include <map>
#include <utility>

#include "../internal/await_graph.hpp"

namespace troupe::detail::awaits {

namespace {

std::int64_t nanos(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

using key = std::pair<std::string, std::uint64_t>;

key key_of(const end& e) {
  return {e.node, e.actor};
}

// Elementary cycles by backtracking from each actor in order, through greater actors only, so
// that a cycle is found once, from its least actor. Johnson's blocking is left out: a reply
// graph has an out-degree of one or two per actor (one per concurrent request), and a budget of
// steps bounds the pathological case.
class cycle_search {
public:
  cycle_search(const std::vector<edge>& edges, std::size_t max_cycles)
    : max_cycles_(max_cycles) {
    std::map<key, std::size_t> index;
    auto vertex = [&](const end& e) {
      auto [it, fresh] = index.emplace(key_of(e), 0);
      if (fresh) {
        it->second = ends_.size();
        ends_.push_back(e);
        next_.emplace_back();
      } else if (ends_[it->second].name.empty()) {
        ends_[it->second].name = e.name;
      }
      return it->second;
    };
    for (auto& e : edges) {
      if (!e.names_peer())
        continue;
      auto from = vertex(e.from);
      auto to = vertex(e.to);
      next_[from].push_back(to);
    }
    // Number the actors in their order, so that "greater" is the order cycles are reported in.
    std::vector<std::size_t> order(ends_.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return key_of(ends_[a]) < key_of(ends_[b]); });
    rank_.resize(ends_.size());
    for (std::size_t r = 0; r < order.size(); ++r)
      rank_[order[r]] = r;
    for (auto& n : next_) {
      std::sort(n.begin(), n.end(),
                [&](std::size_t a, std::size_t b) { return rank_[a] < rank_[b]; });
      n.erase(std::unique(n.begin(), n.end()), n.end());
    }
    on_path_.assign(ends_.size(), false);
    for (auto s : order) {
      if (out_.truncated)
        break;
      start_ = s;
      walk(s);
    }
  }

  cycles_found take() {
    return std::move(out_);
  }

private:
  void walk(std::size_t v) {
    path_.push_back(v);
    on_path_[v] = true;
    for (auto w : next_[v]) {
      if (out_.truncated)
        break;
      if (++steps_ > max_steps) {
        out_.truncated = true;
        break;
      }
      if (w == start_) {
        cycle c;
        for (auto p : path_)
          c.push_back(ends_[p]);
        out_.cycles.push_back(std::move(c));
        if (out_.cycles.size() >= max_cycles_)
          out_.truncated = true;
      } else if (rank_[w] > rank_[start_] && !on_path_[w]) {
        walk(w);
      }
    }
    on_path_[v] = false;
    path_.pop_back();
  }

  static constexpr std::size_t max_steps = 1'000'000;

  std::vector<end> ends_;
  std::vector<std::vector<std::size_t>> next_;
  std::vector<std::size_t> rank_;
  std::vector<bool> on_path_;
  std::vector<std::size_t> path_;
  std::size_t start_ = 0;
  std::size_t steps_ = 0;
  std::size_t max_cycles_;
  cycles_found out_;
};

} // namespace

std::vector<edge> edges_of(const troupe::snapshot& snap, const std::string& node) {
  std::vector<edge> out;
  auto name_of = [&](std::uint64_t id) -> std::string {
    auto it = std::lower_bound(snap.actors.begin(), snap.actors.end(), id,
                               [](const actor_info& a, std::uint64_t x) { return a.id < x; });
    return it != snap.actors.end() && it->id == id ? it->name : std::string{};
  };
  for (auto& a : snap.actors) {
    for (auto& w : a.awaits) {
      edge e;
      e.from = end{node, a.id, a.name};
      e.kind = static_cast<std::uint8_t>(w.what);
      e.since_ns = nanos(w.since);
      if (w.until != std::chrono::system_clock::time_point{})
        e.until_ns = nanos(w.until);
      switch (w.what) {
        case await_info::kind::reply:
          if (w.peer_node.empty())
            e.to = end{node, w.peer, name_of(w.peer)};
          else
            e.to = end{w.peer_node, w.peer, {}};
          break;
        case await_info::kind::receive:
          e.what = w.types;
          if (!w.senders.empty()) {
            e.expecting = w.expecting;
            // One edge per expected sender: each may be the one that never sends.
            for (std::size_t i = 0; i + 1 < w.senders.size(); ++i) {
              auto& s = w.senders[i];
              auto copy = e;
              copy.to = s.node.empty() ? end{node, s.id, name_of(s.id)} : end{s.node, s.id, {}};
              out.push_back(std::move(copy));
            }
            auto& s = w.senders.back();
            e.to = s.node.empty() ? end{node, s.id, name_of(s.id)} : end{s.node, s.id, {}};
          }
          break;
        case await_info::kind::timer:
          break;
        case await_info::kind::kernel:
          e.what = w.kernel;
          e.chunks_done = w.chunks_done;
          e.chunks_total = w.chunks_total;
          break;
      }
      out.push_back(std::move(e));
    }
  }
  return out;
}

cycles_found find_cycles(const std::vector<edge>& edges, std::size_t max_cycles) {
  if (max_cycles == 0)
    return {{}, true};
  return cycle_search{edges, max_cycles}.take();
}

} // namespace troupe::detail::awaits
