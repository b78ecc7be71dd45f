// The monitor's JSON: the node, the cluster, and an actor as the actors' routes show it
// (monitor/actors_page.cpp, monitor/actor_chain.cpp). Boost.JSON is compiled here, header-only
// (Debian 12 ships libboost-json only as a separate package).
#include <boost/json/src.hpp>

#include <ctime>

#include "../internal/monitor_json.hpp"

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

std::string to_text(const json::value& v) {
  return json::serialize(v);
}

} // namespace

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

response json_response(const json::value& v) {
  response res{boost::beast::http::status::ok, 11};
  res.set(boost::beast::http::field::content_type, "application/json");
  res.set(boost::beast::http::field::cache_control, "no-store");
  res.body() = to_text(v);
  res.prepare_payload();
  return res;
}

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

} // namespace troupe::detail::monitor
