// `/api/v1/actors/{id}`: one actor with its await chain.
#include <algorithm>
#include <charconv>
#include <set>

#include "../internal/monitor_json.hpp"

namespace troupe::detail::monitor {

namespace json = boost::json;

response actor_response(const troupe::snapshot& snap, std::string_view id_text) {
  std::uint64_t id = 0;
  auto [p, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  auto find = [&](std::uint64_t who) -> const actor_info* {
    auto it = std::find_if(snap.actors.begin(), snap.actors.end(),
                           [who](const actor_info& a) { return a.id == who; });
    return it != snap.actors.end() ? &*it : nullptr;
  };
  const actor_info* self =
      ec == std::errc{} && p == id_text.data() + id_text.size() ? find(id) : nullptr;
  if (self == nullptr)
    return error_response(404, "no live actor with id '" + std::string{id_text} +
                                   "' on this node (see /api/v1/actors)");
  // The await chain: whom this actor awaits a reply from, whom that one awaits, ... until an
  // actor awaits something else, is not on this node, or the chain comes back (a deadlock).
  json::array chain;
  std::set<std::uint64_t> seen{self->id};
  const actor_info* at = self;
  bool cycle = false;
  for (;;) {
    auto reply = std::find_if(at->awaits.begin(), at->awaits.end(), [](const await_info& a) {
      return a.what == await_info::kind::reply;
    });
    if (reply == at->awaits.end())
      break;
    json::object link{{"from", at->id}, {"awaits_reply_from", reply->peer}};
    // Actor ids are unique per node only: an id of another node may be a local actor's too.
    auto* next = reply->peer_node.empty() ? find(reply->peer) : nullptr;
    if (next == nullptr) {
      link["peer_here"] = false;
      if (!reply->peer_node.empty())
        link["peer_node"] = reply->peer_node;
      chain.push_back(std::move(link));
      break;
    }
    link["peer_here"] = true;
    link["peer"] = actor_json(*next, snap.taken);
    chain.push_back(std::move(link));
    if (!seen.insert(next->id).second) {
      cycle = true;
      break;
    }
    at = next;
  }
  return json_response(json::object{{"actor", actor_json(*self, snap.taken)},
                                    {"await_chain", std::move(chain)},
                                    {"cycle", cycle}});
}

} // namespace troupe::detail::monitor
