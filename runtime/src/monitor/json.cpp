// The monitor's JSON routes: the node, its actors (sorted, filtered, limited), one actor with
// its await chain, and the cluster. Boost.JSON is compiled here, header-only (Debian 12 ships
// libboost-json only as a separate package).
#include <boost/json/src.hpp>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <map>
#include <set>
#include <tuple>
#include <variant>

#include "../internal/monitor.hpp"

namespace troupe::detail::monitor {

namespace json = boost::json;

namespace {

using sys_clock = std::chrono::system_clock;

} // namespace

std::string timestamp(sys_clock::time_point t) {
  auto secs = sys_clock::to_time_t(t);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms < 0 ? 0 : ms));
  return buf;
}

namespace {

double seconds_between(sys_clock::time_point from, sys_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

json::object await_json(const await_info& a, sys_clock::time_point now) {
  json::object o;
  o["kind"] = to_string(a.what);
  o["since"] = timestamp(a.since);
  o["waiting_seconds"] = seconds_between(a.since, now);
  switch (a.what) {
    case await_info::kind::reply:
      o["peer"] = a.peer;
      if (!a.peer_node.empty())
        o["peer_node"] = a.peer_node;
      break;
    case await_info::kind::receive:
      o["types"] = a.types;
      if (!a.senders.empty()) {
        json::array from;
        for (auto& s : a.senders) {
          json::object who{{"id", s.id}};
          if (!s.node.empty())
            who["node"] = s.node;
          from.push_back(std::move(who));
        }
        o["expecting"] = a.expecting;
        o["senders"] = std::move(from);
      }
      break;
    case await_info::kind::timer:
      break;
    case await_info::kind::kernel:
      o["kernel"] = a.kernel;
      o["chunks_done"] = a.chunks_done;
      o["chunks_total"] = a.chunks_total;
      break;
  }
  if (a.until != sys_clock::time_point{})
    o["until"] = timestamp(a.until);
  return o;
}

json::object actor_json(const actor_info& a, sys_clock::time_point now) {
  json::object o;
  o["id"] = a.id;
  o["name"] = a.name;
  o["type"] = a.type;
  o["parent"] = a.parent;
  o["spawned"] = timestamp(a.spawned);
  o["state"] = to_string(a.current);
  o["mailbox"] = a.mailbox_depth;
  o["stashed"] = a.stashed;
  o["dropped"] = a.dropped;
  o["received"] = a.received;
  o["sent"] = a.sent;
  o["busy_seconds"] = std::chrono::duration<double>(a.busy).count();
  json::array awaits;
  for (auto& w : a.awaits)
    awaits.push_back(await_json(w, now));
  o["awaits"] = std::move(awaits);
  return o;
}

// How `/api/v1/actors?sort=` orders actors: a key per field, numbers descending (the busiest
// first), text ascending; `-FIELD` reverses.
using less_fn = bool (*)(const actor_info&, const actor_info&);

// When the actor's first await began; actors awaiting nothing sort after every waiting one.
sys_clock::time_point waited_since(const actor_info& a) {
  return a.awaits.empty() ? sys_clock::time_point::max() : a.awaits.front().since;
}

// The first await as troupe-top words it: its kind, then what it awaits. No await sorts first.
std::tuple<std::string_view, std::string_view, std::uint64_t> first_await(const actor_info& a) {
  if (a.awaits.empty())
    return {};
  auto& w = a.awaits.front();
  return {to_string(w.what), w.what == await_info::kind::kernel ? w.kernel : w.types, w.peer};
}

const std::map<std::string_view, less_fn>& sort_keys() {
  static const std::map<std::string_view, less_fn> keys{
      {"id", [](const actor_info& x, const actor_info& y) { return x.id < y.id; }},
      {"name", [](const actor_info& x, const actor_info& y) { return x.name < y.name; }},
      {"type", [](const actor_info& x, const actor_info& y) { return x.type < y.type; }},
      {"state",
       [](const actor_info& x, const actor_info& y) {
         return std::string_view{to_string(x.current)} < to_string(y.current);
       }},
      {"spawned", [](const actor_info& x, const actor_info& y) { return x.spawned < y.spawned; }},
      {"mailbox",
       [](const actor_info& x, const actor_info& y) { return x.mailbox_depth > y.mailbox_depth; }},
      {"stashed", [](const actor_info& x, const actor_info& y) { return x.stashed > y.stashed; }},
      {"received",
       [](const actor_info& x, const actor_info& y) { return x.received > y.received; }},
      {"sent", [](const actor_info& x, const actor_info& y) { return x.sent > y.sent; }},
      {"busy", [](const actor_info& x, const actor_info& y) { return x.busy > y.busy; }},
      {"waiting",
       [](const actor_info& x, const actor_info& y) { return waited_since(x) < waited_since(y); }},
      {"await",
       [](const actor_info& x, const actor_info& y) { return first_await(x) < first_await(y); }},
  };
  return keys;
}

std::string sort_fields() {
  std::string out;
  for (auto& [name, fn] : sort_keys())
    out += (out.empty() ? "" : ", ") + std::string{name};
  return out;
}

// Decodes %XX and '+' of a query value; nothing when an escape is malformed.
std::optional<std::string> url_decode(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '+') {
      out += ' ';
    } else if (v[i] == '%') {
      unsigned byte = 0;
      if (i + 2 >= v.size())
        return std::nullopt;
      auto [p, ec] = std::from_chars(v.data() + i + 1, v.data() + i + 3, byte, 16);
      if (ec != std::errc{} || p != v.data() + i + 3)
        return std::nullopt;
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += v[i];
    }
  }
  return out;
}

bool contains_text(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         }) != hay.end();
}

std::string to_text(const json::value& v) {
  return json::serialize(v);
}

response json_response(const json::value& v) {
  response res{boost::beast::http::status::ok, 11};
  res.set(boost::beast::http::field::content_type, "application/json");
  res.set(boost::beast::http::field::cache_control, "no-store");
  res.body() = to_text(v);
  res.prepare_payload();
  return res;
}

} // namespace

std::string node_json(const node_view& n) {
  json::object o;
  o["id"] = n.id;
  o["program"] = n.program;
  o["version"] = n.version;
  o["uptime_seconds"] = n.uptime_seconds;
  json::array workers;
  for (std::size_t i = 0; i < n.workers.size(); ++i)
    workers.push_back(json::object{{"worker", i},
                                   {"busy_ratio", n.workers[i].busy_ratio},
                                   {"busy_seconds", n.workers[i].busy_seconds}});
  o["workers"] = std::move(workers);
  o["messages_per_second"] = n.messages_per_second;
  o["messages_total"] = n.messages_total;
  o["actors"] = n.actors;
  o["listening"] = n.listening ? json::value(n.listening->to_string()) : json::value(nullptr);
  o["monitor"] = n.monitor ? json::value("http://" + n.monitor->to_string()) : json::value();
  return to_text(o);
}

std::string cluster_json(const node_view& n) {
  json::array members;
  for (auto& m : n.members) {
    json::object o;
    o["id"] = m.id;
    o["address"] = m.address;
    o["state"] = m.state;
    o["busy"] = m.busy;
    o["local"] = m.local;
    o["monitor"] = m.monitor.empty() ? json::value(nullptr) : json::value("http://" + m.monitor);
    members.push_back(std::move(o));
  }
  if (members.empty()) {
    json::object self;
    self["id"] = n.id;
    self["address"] = n.listening ? json::value(n.listening->to_string()) : json::value(nullptr);
    self["state"] = "up";
    self["local"] = true;
    self["monitor"] = n.monitor ? json::value("http://" + n.monitor->to_string()) : json::value();
    members.push_back(std::move(self));
  }
  return to_text(json::object{{"members", std::move(members)}});
}

namespace {

// What `/api/v1/actors` was asked for.
struct actors_query {
  std::string sort = "id";
  less_fn less = sort_keys().at("id");
  bool reverse = false;
  std::string filter;
  std::size_t offset = 0;
  std::size_t limit = default_actors_limit;
};

std::optional<std::size_t> whole_number(std::string_view v) {
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || v.empty())
    return std::nullopt;
  return n;
}

// The query, or the 400 that names the parameter in error.
std::variant<actors_query, response> parse_actors_query(std::string_view query) {
  actors_query q;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty())
      continue;
    auto eq = pair.find('=');
    auto key = pair.substr(0, eq);
    auto value = url_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    std::string k{key};
    if (!value)
      return error_response(400, "the value of " + k + " has a malformed %-escape", k);
    if (key == "sort") {
      std::string_view field = *value;
      q.reverse = field.starts_with('-');
      if (q.reverse)
        field.remove_prefix(1);
      auto it = sort_keys().find(field);
      if (it == sort_keys().end())
        return error_response(400,
                              "sort must be one of " + sort_fields() +
                                  " (with - in front to reverse); got '" + *value + "'",
                              "sort");
      q.sort = *value;
      q.less = it->second;
    } else if (key == "filter") {
      q.filter = *value;
    } else if (key == "limit") {
      auto n = whole_number(*value);
      if (!n || *n == 0 || *n > max_actors_limit)
        return error_response(400,
                              "limit must be a whole number from 1 to " +
                                  std::to_string(max_actors_limit) + " (got '" + *value +
                                  "'); page with offset for more",
                              "limit");
      q.limit = *n;
    } else if (key == "offset") {
      auto n = whole_number(*value);
      if (!n)
        return error_response(400, "offset must be a whole number (got '" + *value + "')",
                              "offset");
      q.offset = *n;
    } else {
      return error_response(400, "unknown parameter '" + k + "'; use sort, filter, offset or limit",
                            k);
    }
  }
  return q;
}

// Whether `a` is one `filter` keeps: its id, name, type, state, or one of its awaits (kind,
// awaited types, kernel, awaited actor's id) contains the text.
bool kept(const actor_info& a, std::string_view filter) {
  if (filter.empty())
    return true;
  if (contains_text(std::to_string(a.id), filter) || contains_text(a.name, filter) ||
      contains_text(a.type, filter) || contains_text(to_string(a.current), filter))
    return true;
  return std::any_of(a.awaits.begin(), a.awaits.end(), [&](const await_info& w) {
    return contains_text(to_string(w.what), filter) || contains_text(w.types, filter) ||
           contains_text(w.kernel, filter) ||
           (w.peer != 0 && contains_text(std::to_string(w.peer), filter));
  });
}

std::string query_value(std::string_view v) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

} // namespace

response actors_response(const troupe::snapshot& snap, std::string_view query) {
  auto parsed = parse_actors_query(query);
  if (auto* bad = std::get_if<response>(&parsed))
    return std::move(*bad);
  auto& q = std::get<actors_query>(parsed);
  std::vector<const actor_info*> picked;
  for (auto& a : snap.actors)
    if (kept(a, q.filter))
      picked.push_back(&a);
  auto matched = picked.size();
  // Ties go by id, so that pages of the same order neither repeat nor skip an actor.
  auto by = [&](const actor_info* x, const actor_info* y) {
    if (q.reverse ? q.less(*y, *x) : q.less(*x, *y))
      return true;
    if (q.reverse ? q.less(*x, *y) : q.less(*y, *x))
      return false;
    return x->id < y->id;
  };
  auto begin = std::min(q.offset, matched);
  auto end = begin + std::min(q.limit, matched - begin);
  std::partial_sort(picked.begin(), picked.begin() + static_cast<std::ptrdiff_t>(end), picked.end(),
                    by);
  json::array actors;
  for (auto i = begin; i < end; ++i)
    actors.push_back(actor_json(*picked[i], snap.taken));
  json::object out{{"taken", timestamp(snap.taken)},
                   {"total", snap.actors.size()},
                   {"matched", matched},
                   {"offset", begin},
                   {"limit", q.limit},
                   {"actors", std::move(actors)}};
  if (end < matched)
    out["next"] = "/api/v1/actors?sort=" + query_value(q.sort) +
                  (q.filter.empty() ? "" : "&filter=" + query_value(q.filter)) +
                  "&offset=" + std::to_string(end) + "&limit=" + std::to_string(q.limit);
  return json_response(out);
}

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
