#include "gather.hpp"

#include <algorithm>
#include <cctype>
#include <future>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "json_read.hpp"

namespace troupe_top {

namespace {

std::optional<json::object> parse_object(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object())
    return std::nullopt;
  return std::move(v.as_object());
}

// The node's own error text, when its body is the monitor's `{"error": "..."}`.
std::string error_of(const reply& r) {
  auto o = parse_object(r.body);
  return o ? text_of(*o, "error") : std::string{};
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

// The `/api/v1/actors` query for member `m`: the filter is left out when the member's own
// address matches it, since the table keeps all its actors then.
std::string actors_path(const actor_query& q, const member_view& m) {
  std::string path = "/api/v1/actors?sort=" + query_value(q.sort);
  if (!q.filter.empty() && !contains_text(m.address, q.filter))
    path += "&filter=" + query_value(q.filter);
  if (q.limit > 0)
    path += "&limit=" + std::to_string(q.limit);
  return path;
}

const std::string token_hint = "give the node's token (the file of its --monitor-token-file) "
                               "with --token-file FILE or TROUPE_MONITOR_TOKEN";

} // namespace

std::string explain(const reply& r, const endpoint& at, bool have_token) {
  if (!r.answered())
    return "nothing answers at " + at.text() + " (" + r.failure + ")";
  if (r.status == 401)
    return have_token ? at.text() + " refused the token (401); " + token_hint
                      : at.text() + " needs a token (401); " + token_hint;
  auto err = error_of(r);
  return at.text() + " answered " + std::to_string(r.status) +
         (err.empty() ? std::string{} : " (" + err + ")");
}

gatherer::gatherer(endpoint seed, std::string token, std::chrono::milliseconds timeout)
  : seed_(std::move(seed))
  , source_(seed_)
  , token_(std::move(token))
  , timeout_(timeout) {
}

std::optional<std::string> gatherer::check_seed() {
  auto r = fetch(seed_, "/api/v1/cluster", token_, timeout_ * 3);
  if (!r.answered())
    return explain(r, seed_, !token_.empty()) +
           "; is a troupe node's monitor there? A node prints 'monitor on http://HOST:PORT' "
           "on stderr when it starts";
  if (r.status != 200)
    return explain(r, seed_, !token_.empty());
  auto o = parse_object(r.body);
  if (!o || !o->contains("members"))
    return seed_.text() + " answered /api/v1/cluster with something else than a member list; "
                          "is it a troupe node's monitor?";
  return std::nullopt;
}

optional_route gatherer::route(const endpoint& at, const std::string& target,
                               const std::string& missing) {
  auto r = fetch(at, target, token_, timeout_);
  optional_route out;
  if (r.answered() && r.status == 200) {
    if ((out.value = parse_object(r.body)))
      return out;
    out.absent = at.text() + target + " did not answer JSON";
  } else if (r.answered() && r.status == 404) {
    out.absent = missing;
  } else {
    out.absent = explain(r, at, !token_.empty());
  }
  return out;
}

cluster_view gatherer::gather(bool with_awaits, const actor_query& q) {
  cluster_view view;
  // The member list: from the seed, else from any member that answered before.
  std::vector<endpoint> sources{seed_};
  for (auto& m : known_) {
    std::string why;
    if (auto ep = parse_endpoint(m.monitor, why); ep && !(*ep == seed_))
      sources.push_back(*ep);
  }
  std::optional<json::object> cluster;
  for (auto& at : sources) {
    auto r = fetch(at, "/api/v1/cluster", token_, timeout_);
    if (r.answered() && r.status == 200 && (cluster = parse_object(r.body))) {
      source_ = at;
      break;
    }
  }
  if (cluster)
    if (auto it = cluster->find("members"); it != cluster->end() && it->value().is_array())
      for (auto& v : it->value().as_array()) {
        if (!v.is_object())
          continue;
        auto& o = v.as_object();
        member_view m;
        m.id = text_of(o, "id");
        m.address = text_of(o, "address");
        m.state = text_of(o, "state");
        std::string why;
        if (auto ep = parse_endpoint(text_of(o, "monitor"), why))
          m.monitor = ep->text();
        if (m.address.empty())
          m.address = m.monitor;
        view.members.push_back(std::move(m));
      }
  // A member that left the list is down; when no monitor gave a list, every member known
  // before is asked again, so that each says why it does not answer.
  for (auto& old : known_)
    if (std::none_of(view.members.begin(), view.members.end(),
                     [&](const member_view& m) { return m.address == old.address; })) {
      member_view gone;
      gone.id = old.id;
      gone.address = old.address;
      gone.monitor = old.monitor;
      gone.state = cluster ? "down" : old.state;
      if (cluster)
        gone.problem = "no longer a member";
      view.members.push_back(std::move(gone));
    }
  std::vector<std::future<void>> polls;
  for (auto& m : view.members) {
    std::string why;
    auto ep = parse_endpoint(m.monitor, why);
    if (!ep) {
      if (m.problem.empty())
        m.problem = "it serves no monitor";
      continue;
    }
    if (m.state == "down" && !m.problem.empty())
      continue;
    polls.push_back(std::async(std::launch::async, [this, &m, at = *ep, path = actors_path(q, m)] {
      auto node = fetch(at, "/api/v1/node", token_, timeout_);
      auto actors =
          node.answered() && node.status == 200 ? fetch(at, path, token_, timeout_) : node;
      auto n = node.status == 200 ? parse_object(node.body) : std::nullopt;
      auto a = actors.status == 200 ? parse_object(actors.body) : std::nullopt;
      if (n && a) {
        m.node = std::move(*n);
        m.actors = std::move(*a);
        m.answered = true;
        if (m.id.empty())
          m.id = text_of(m.node, "id");
      } else {
        m.problem =
            explain(actors.answered() && actors.status == 200 ? node : actors, at, !token_.empty());
        // A member whose monitor does not answer at all is gone, whatever the list says yet.
        if (!actors.answered())
          m.state = "down";
      }
    }));
  }
  auto sim = std::async(std::launch::async, [&] {
    return route(source_, "/api/v1/sim", "no simulation on this cluster");
  });
  if (with_awaits)
    view.awaits = route(source_, "/api/v1/awaits", "this node does not serve the await graph");
  for (auto& p : polls)
    p.get();
  view.sim = sim.get();
  view.taken = std::chrono::steady_clock::now();
  known_ = view.members;
  return view;
}

optional_route gatherer::actor_detail(const member_view& m, std::uint64_t id) {
  std::string why;
  auto at = parse_endpoint(m.monitor, why);
  if (!at)
    return {std::nullopt, "member " + m.address + " serves no monitor"};
  return route(*at, "/api/v1/actors/" + std::to_string(id),
               "actor " + std::to_string(id) + " is no longer on " + m.address);
}

std::string gatherer::set_paused(bool paused) {
  auto target = std::string{"/api/v1/sim/"} + (paused ? "pause" : "resume");
  auto r = fetch(source_, target, token_, timeout_, true);
  if (r.answered() && r.status >= 200 && r.status < 300)
    return paused ? "pause requested: the simulation stops at the next step boundary"
                  : "resume requested";
  if (r.answered() && r.status == 404)
    return "no simulation on this cluster to pause";
  if (r.answered() && r.status == 403)
    return "pause needs --monitor-allow-control on the node (" + source_.text() + " answered 403)";
  return explain(r, source_, !token_.empty());
}

json::object to_json(const cluster_view& v) {
  json::array members;
  for (auto& m : v.members) {
    json::object o;
    o["id"] = m.id;
    o["address"] = m.address;
    o["state"] = m.state;
    o["monitor"] = m.monitor.empty() ? json::value(nullptr) : json::value("http://" + m.monitor);
    o["answered"] = m.answered;
    o["problem"] = m.problem.empty() ? json::value(nullptr) : json::value(m.problem);
    o["node"] = m.answered ? json::value(m.node) : json::value(nullptr);
    o["actors"] = m.answered ? json::value(m.actors) : json::value(nullptr);
    members.push_back(std::move(o));
  }
  json::object out;
  out["members"] = std::move(members);
  out["sim"] = v.sim.value ? json::value(*v.sim.value) : json::value(nullptr);
  return out;
}

} // namespace troupe_top
