// The monitor's actor list in pages: a default limit, offset and `next` to walk every actor
// once, counts of all and of matching actors, and 400s that name a bad limit or offset.
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
