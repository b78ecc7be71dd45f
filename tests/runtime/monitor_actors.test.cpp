// The monitor's actor list in pages: a default limit, offset and `next` to walk every actor
// once, counts of all and of matching actors, 400s that name a bad limit or offset, and pages
// that agree with the whole list and with each actor's own route.
#include <algorithm>
#include <map>

#include <boost/json.hpp>

#include "fixture.hpp"
#include "monitor_fixture.hpp"

using namespace troupe::test;
namespace json = boost::json;

namespace {

troupe::node start_monitored() {
  return start_monitored_node();
}

http_response get(const troupe::node& n, const std::string& path) {
  return monitor_get(n, path);
}

json::object get_json(const troupe::node& n, const std::string& path) {
  auto r = get(n, path);
  INFO(path << " answered " << r.status << ": " << r.body.substr(0, 300));
  REQUIRE(r.status == 200);
  return json::parse(r.body).as_object();
}

// `count` actors of type "pager", each suspended in a receive until the node ends.
std::vector<caf::actor> spawn_pagers(troupe::node& n, int count) {
  std::vector<caf::actor> out;
  for (int i = 0; i < count; ++i)
    out.push_back(troupe::spawn(
        n, {.name = "pager-" + std::to_string(i), .type = "pager"},
        [](troupe::context& self) -> troupe::task<> { co_await troupe::receive<int>(self); }));
  return out;
}

// Follows `next` from `first` to the last page; counts how often each actor id came.
std::map<std::int64_t, int> walk(const troupe::node& n, const std::string& first,
                                 std::size_t& pages, std::int64_t& matched) {
  std::map<std::int64_t, int> seen;
  std::string path = first;
  pages = 0;
  for (;;) {
    auto page = get_json(n, path);
    ++pages;
    REQUIRE(pages < 100);
    matched = page.at("matched").as_int64();
    for (auto& a : page.at("actors").as_array())
      ++seen[a.at("id").as_int64()];
    auto next = page.find("next");
    if (next == page.end())
      return seen;
    path = std::string{next->value().as_string()};
  }
}

// `count` actors of type "counter" named counter-N, actor N handling N % 5 messages; returns
// once the node's snapshot shows every one handled (bounded).
std::vector<caf::actor> spawn_counters(troupe::node& n, int count) {
  std::vector<caf::actor> out;
  for (int i = 0; i < count; ++i)
    out.push_back(troupe::spawn(n, {.name = "counter-" + std::to_string(i), .type = "counter"},
                                [](troupe::context&) -> troupe::behavior { return {[](int) {}}; }));
  std::uint64_t expected = 0;
  for (int i = 0; i < count; ++i)
    for (int k = 0; k < i % 5; ++k, ++expected)
      caf::anon_send(out[static_cast<std::size_t>(i)], k);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  for (;;) {
    std::uint64_t handled = 0;
    for (auto& a : n.snapshot().actors)
      if (a.type == "counter")
        handled += a.received;
    if (handled == expected)
      return out;
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("the counters handled " << handled << " of " << expected << " messages in 20 s");
    std::this_thread::yield();
  }
}

// The ids of a page, in its order.
std::vector<std::int64_t> ids_of(const json::object& page) {
  std::vector<std::int64_t> out;
  for (auto& a : page.at("actors").as_array())
    out.push_back(a.at("id").as_int64());
  return out;
}

// An actor's JSON without what depends on the moment it was read (how long its awaits waited).
json::object settled(json::object actor) {
  for (auto& w : actor.at("awaits").as_array())
    w.as_object().erase("waiting_seconds");
  return actor;
}

} // namespace

TEST_CASE("the monitor's actor list answers one page of 500 by default and says how to go on",
          "[runtime][monitor]") {
  auto n = start_monitored();
  auto keep = spawn_pagers(n, 1200);
  auto page = get_json(n, "/api/v1/actors");
  CHECK(page.at("actors").as_array().size() == 500);
  CHECK(page.at("offset").as_int64() == 0);
  CHECK(page.at("limit").as_int64() == 500);
  CHECK(page.at("total").as_int64() >= 1200);
  CHECK(page.at("matched").as_int64() == page.at("total").as_int64());
  CHECK(page.at("next").as_string() == "/api/v1/actors?sort=id&offset=500&limit=500");
}

TEST_CASE("the monitor's actor pages show every actor exactly once, filtered and sorted",
          "[runtime][monitor]") {
  auto n = start_monitored();
  auto keep = spawn_pagers(n, 1200);
  std::size_t pages = 0;
  std::int64_t matched = 0;
  auto seen = walk(n, "/api/v1/actors?filter=pager&sort=-name&limit=250", pages, matched);
  CHECK(matched == 1200);
  CHECK(pages == 5);
  CHECK(seen.size() == 1200);
  for (auto& a : keep) {
    INFO("actor " << a.id());
    CHECK(seen[static_cast<std::int64_t>(a.id())] == 1);
  }
  // The order holds across pages: the last name of one page sorts after the next page's first.
  auto one = get_json(n, "/api/v1/actors?filter=pager&sort=-name&limit=250");
  auto two = get_json(n, std::string{one.at("next").as_string()});
  CHECK(one.at("actors").as_array().back().at("name").as_string() >
        two.at("actors").as_array().front().at("name").as_string());
  auto last = get_json(n, "/api/v1/actors?filter=pager&offset=1100&limit=500");
  CHECK(last.at("actors").as_array().size() == 100);
  CHECK(!last.contains("next"));
  auto past = get_json(n, "/api/v1/actors?filter=pager&offset=5000");
  CHECK(past.at("actors").as_array().empty());
  CHECK(past.at("matched").as_int64() == 1200);
}

TEST_CASE("the monitor's actor list answers a bad limit or offset with a 400 naming it",
          "[runtime][monitor]") {
  auto n = start_monitored();
  for (auto [query, parameter] : {std::pair{"limit=0", "limit"},
                                  {"limit=10001", "limit"},
                                  {"limit=", "limit"},
                                  {"offset=-1", "offset"},
                                  {"offset=ten", "offset"},
                                  {"offset=1e3", "offset"}}) {
    auto r = get(n, std::string{"/api/v1/actors?"} + query);
    INFO(query << ": " << r.body);
    CHECK(r.status == 400);
    CHECK(json::parse(r.body).at("parameter").as_string() == parameter);
  }
}

TEST_CASE("the monitor's actor pages carry the same fields as each actor's own route",
          "[runtime][monitor]") {
  auto n = start_monitored();
  auto pagers = spawn_pagers(n, 30);
  auto counters = spawn_counters(n, 30);
  for (auto query : {"/api/v1/actors", "/api/v1/actors?filter=counter&sort=-received&limit=12",
                     "/api/v1/actors?filter=pager&sort=name&offset=5&limit=10"}) {
    auto page = get_json(n, query);
    REQUIRE(!page.at("actors").as_array().empty());
    for (auto& a : page.at("actors").as_array()) {
      auto id = a.at("id").as_int64();
      auto own = get_json(n, "/api/v1/actors/" + std::to_string(id));
      INFO(query << ": actor " << id);
      CHECK(json::serialize(settled(a.as_object())) ==
            json::serialize(settled(own.at("actor").as_object())));
    }
  }
}

TEST_CASE("the monitor's sorted, filtered and offset pages hold the ids of the sorted whole list",
          "[runtime][monitor]") {
  auto n = start_monitored();
  auto pagers = spawn_pagers(n, 40);
  auto counters = spawn_counters(n, 60);
  // The whole list once (every field), sorted here as the monitor documents it: numbers
  // descending, text ascending, `-` reverses, ties by id.
  auto all = get_json(n, "/api/v1/actors?limit=10000");
  std::vector<json::object> actors;
  for (auto& a : all.at("actors").as_array())
    actors.push_back(a.as_object());
  struct sorted_query {
    std::string sort;
    std::string filter;
    std::function<bool(const json::object&, const json::object&)> less;
  };
  auto received = [](const json::object& x, const json::object& y) {
    return x.at("received").as_int64() > y.at("received").as_int64();
  };
  auto name = [](const json::object& x, const json::object& y) {
    return x.at("name").as_string() < y.at("name").as_string();
  };
  for (auto& q :
       {sorted_query{"-received", "counter", [&](auto&x, auto&y) { return received(y, x); }},
        sorted_query{"received", "", received}, sorted_query{"name", "er-1", name},
        sorted_query{"-name", "", [&](auto&x, auto&y) { return name(y, x); }},
        sorted_query{"type", "", [](auto&x, auto&y) {
                       return x.at("type").as_string() < y.at("type").as_string();
                     }}}) {
    std::vector<json::object> kept;
    for (auto& a : actors)
      if (q.filter.empty() || a.at("name").as_string().find(q.filter) != json::string::npos)
        kept.push_back(a);
    std::sort(kept.begin(), kept.end(), [&](const json::object& x, const json::object& y) {
      if (q.less(x, y) || q.less(y, x))
        return q.less(x, y);
      return x.at("id").as_int64() < y.at("id").as_int64();
    });
    for (auto [offset, limit] : {std::pair{0, 7}, {3, 11}, {9, 500}}) {
      auto query = "/api/v1/actors?sort=" + q.sort +
                   (q.filter.empty() ? "" : "&filter=" + q.filter) +
                   "&offset=" + std::to_string(offset) + "&limit=" + std::to_string(limit);
      auto page = get_json(n, query);
      std::vector<std::int64_t> expected;
      for (auto i = static_cast<std::size_t>(offset);
           i < kept.size() && i < static_cast<std::size_t>(offset + limit); ++i)
        expected.push_back(kept[i].at("id").as_int64());
      INFO(query);
      CHECK(page.at("matched").as_int64() == static_cast<std::int64_t>(kept.size()));
      CHECK(ids_of(page) == expected);
    }
  }
}
