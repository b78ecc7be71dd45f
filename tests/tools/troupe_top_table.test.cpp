// troupe-top's table and views as functions of the monitors' JSON: no terminal, no node.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include <table.hpp>
#include <views.hpp>

using namespace troupe_top;

namespace {

json::object object_of(std::string_view text) {
  return json::parse(text).as_object();
}

// A member with two actors: a busy behaviour and a coroutine awaiting a reply.
member_view member(const std::string& address, double received, double busy) {
  member_view m;
  m.address = address;
  m.state = "up";
  m.monitor = "127.0.0.1:1";
  m.answered = true;
  m.node = object_of(R"({"workers":[{"busy_ratio":0.5},{"busy_ratio":0.25}],
                         "messages_per_second":10.0,"actors":2})");
  m.actors = object_of(R"({"actors":[
      {"id":9,"name":"tile-0","type":"tile","state":"running","mailbox":3,
       "received":)" + std::to_string(received) +
                       R"(,"busy_seconds":)" + std::to_string(busy) +
                       R"(,"awaits":[]},
      {"id":4,"name":"driver","type":"coroutine","state":"suspended","mailbox":0,
       "received":1,"busy_seconds":0.0,
       "awaits":[{"kind":"reply","peer":9,"waiting_seconds":75.5}]}]})");
  return m;
}

cluster_view view_at(double seconds, std::vector<member_view> members) {
  cluster_view v;
  v.taken = std::chrono::steady_clock::time_point{} +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(seconds));
  v.members = std::move(members);
  v.sim.absent = "no simulation on this cluster";
  return v;
}

std::vector<std::string> names_of(const std::vector<row>& rows) {
  std::vector<std::string> out;
  for (auto& r : rows)
    out.push_back(r.name + "@" + r.node);
  return out;
}

} // namespace

TEST_CASE("actor rows take every answering member's actors, with rates from the round before",
          "[tools][troupe-top]") {
  auto before = view_at(0, {member("a:1", 100, 1.0), member("b:2", 0, 0)});
  auto down = member("c:3", 0, 0);
  down.answered = false;
  auto now = view_at(2, {member("a:1", 300, 1.5), member("b:2", 0, 0), down});
  auto rows = actor_rows(now, &before);
  REQUIRE(rows.size() == 4);
  auto& tile = rows[0];
  CHECK(tile.name == "tile-0");
  CHECK(tile.node == "a:1");
  CHECK(tile.msgs_per_s == Approx(100.0));
  CHECK(tile.busy == Approx(0.25));
  CHECK(rows[1].awaiting == "reply from 9");
  CHECK(rows[1].since == Approx(75.5));
  CHECK_THAT(row_line(rows[1]), Catch::Contains("reply from 9") && Catch::Contains("1 m 15 s"));
  // Without an earlier round there is no rate, and the line says so rather than 0.
  auto first = actor_rows(now, nullptr);
  CHECK(first[0].msgs_per_s < 0);
  CHECK_THAT(row_line(first[0]), Catch::EndsWith("-      -"));
}

TEST_CASE(
    "sorting orders text ascending and numbers descending, ties by node and id; reverse turns it all around",
    "[tools][troupe-top]") {
  auto rows = actor_rows(view_at(1, {member("b:2", 1, 0), member("a:1", 1, 0)}), nullptr);
  sort_rows(rows, column::node, false);
  CHECK(names_of(rows) ==
        std::vector<std::string>{"driver@a:1", "tile-0@a:1", "driver@b:2", "tile-0@b:2"});
  sort_rows(rows, column::mailbox, false);
  CHECK(names_of(rows) ==
        std::vector<std::string>{"tile-0@a:1", "tile-0@b:2", "driver@a:1", "driver@b:2"});
  sort_rows(rows, column::name, true);
  CHECK(names_of(rows) ==
        std::vector<std::string>{"tile-0@b:2", "tile-0@a:1", "driver@b:2", "driver@a:1"});
  CHECK_THAT(heading_line(column::name, true), Catch::Contains("NAME^"));
  CHECK_THAT(heading_line(column::busy, false), Catch::Contains("BUSY%v"));
}

TEST_CASE("the filter keeps rows whose name, type, state, node or await holds the text, any case",
          "[tools][troupe-top]") {
  auto rows = actor_rows(view_at(1, {member("a:1", 1, 0), member("b:2", 1, 0)}), nullptr);
  filter_rows(rows, "REPLY FROM");
  CHECK(names_of(rows) == std::vector<std::string>{"driver@a:1", "driver@b:2"});
  rows = actor_rows(view_at(1, {member("a:1", 1, 0), member("b:2", 1, 0)}), nullptr);
  filter_rows(rows, "b:2");
  CHECK(rows.size() == 2);
  filter_rows(rows, "nothing like this");
  CHECK(rows.empty());
}

TEST_CASE("the header counts nodes up and says why a member is down and why there is no sim",
          "[tools][troupe-top]") {
  auto down = member("c:3", 0, 0);
  down.answered = false;
  down.state = "down";
  down.problem = "nothing answers at 127.0.0.1:9 (connection refused)";
  auto lines = header_lines(view_at(1, {member("a:1", 1, 0), down}), "127.0.0.1:1");
  REQUIRE(lines.size() == 4);
  CHECK_THAT(lines[0], Catch::Contains("nodes 1/2 up") && Catch::Contains("busy 37.5%") &&
                           Catch::Contains("actors 2"));
  CHECK(lines[1] == "simulation: no simulation on this cluster");
  CHECK(lines[3] == "node c:3  down  nothing answers at 127.0.0.1:9 (connection refused)");
}

TEST_CASE(
    "the header shows a simulation's step, progress bar, rate, ETA and pause when /sim answers",
    "[tools][troupe-top]") {
  auto v = view_at(1, {member("a:1", 1, 0)});
  v.sim.value = object_of(R"({"step":250,"total":1000,"steps_per_second":12.5,"eta_seconds":60,
                             "paused":true,"parameters":{"alpha":0.1}})");
  auto line = header_lines(v, "x:1")[1];
  CHECK_THAT(line,
             Catch::StartsWith("simulation: step 250/1000 [########......................] 25.0%"));
  CHECK_THAT(line, Catch::Contains("12.5 steps/s") && Catch::Contains("ETA 1 m 00 s") &&
                       Catch::Contains("PAUSED") && Catch::Contains("alpha=0.1"));
  CHECK(progress_bar(0, 4) == "[....]");
  CHECK(progress_bar(1.5, 4) == "[####]");
}

TEST_CASE("the detail shows an actor's awaits and its chain, and says so when it is a cycle",
          "[tools][troupe-top]") {
  auto lines = detail_lines(object_of(R"({
      "actor":{"id":10,"name":"a","type":"coroutine","state":"suspended",
               "awaits":[{"kind":"reply","peer":8,"waiting_seconds":3.0,"since":"T"}]},
      "await_chain":[
        {"from":10,"awaits_reply_from":8,"peer_here":true,
         "peer":{"id":8,"name":"b","state":"suspended","awaits":[{"kind":"reply","peer":10}]}},
        {"from":8,"awaits_reply_from":10,"peer_here":true}],
      "cycle":true})"),
                            "a:1");
  CHECK(lines[0] == "actor 10 \"a\" (coroutine) on a:1");
  CHECK(lines[2] == "  awaits reply from 8 for 3.0 s (since T)");
  CHECK(lines[4] == "  10 awaits a reply from 8 \"b\" suspended, which awaits reply from 10");
  CHECK_THAT(lines.back(), Catch::StartsWith("CYCLE"));
}

TEST_CASE("the detail indents an await chain's branches by depth and names their kinds and nodes",
          "[tools][troupe-top]") {
  auto lines = detail_lines(object_of(R"({
      "actor":{"id":5,"name":"tile-1","type":"tile","state":"suspended","awaits":[]},
      "await_chain":[
        {"from":5,"kind":"halo","to":9,"depth":1,"peer_here":true,
         "peer":{"id":9,"name":"tile-4","state":"suspended","awaits":[{"kind":"timer"}]}},
        {"from":9,"kind":"collective","to":3,"depth":2,"peer_here":false,
         "peer_node":"b:2","peer_name":"member-3"},
        {"from":3,"from_node":"b:2","kind":"reply","awaits_reply_from":5,"to":5,"depth":3,
         "peer_here":true,"cycle":true},
        {"from":5,"kind":"halo","to":7,"depth":1,"peer_here":true,"seen":true}],
      "cycle":true,"truncated":true})"),
                            "a:1");
  REQUIRE(lines.size() == 10);
  CHECK(lines[3] == "await chain:");
  CHECK(lines[4] == "  5 awaits halo from 9 \"tile-4\" suspended, which awaits timer");
  CHECK(lines[5] == "    9 awaits collective from 3 \"member-3\" on b:2");
  CHECK(lines[6] == "      3@b:2 awaits a reply from 5  [CYCLE]");
  CHECK(lines[7] == "  5 awaits halo from 7 (its awaits above)");
  CHECK_THAT(lines[8], Catch::StartsWith("CYCLE"));
  CHECK_THAT(lines[9], Catch::StartsWith("... the chain goes on"));
}

TEST_CASE("the await graph lists its cycles first and marks the edges on them",
          "[tools][troupe-top]") {
  auto lines = graph_lines(object_of(R"({
      "edges":[{"from":{"node":"a:1","actor":3,"name":"t"},"to":{"node":"b:2","actor":4,"name":"u"},
                "kind":"reply","waiting_seconds":2},
               {"from":{"node":"b:2","actor":4,"name":"u"},"to":{"node":"a:1","actor":3,"name":"t"},
                "kind":"reply"},
               {"from":5,"to":6,"kind":"halo"}],
      "cycles":[[{"node":"a:1","actor":3,"name":"t"},{"node":"b:2","actor":4,"name":"u"}]]})"));
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "await graph: 3 awaits, 1 cycle");
  CHECK(lines[1] == "CYCLE 1: t#3@a:1 -> u#4@b:2 -> t#3@a:1");
  CHECK(lines[2] == "  t#3@a:1 awaits reply from u#4@b:2 for 2.0 s  [CYCLE]");
  CHECK_THAT(lines[3], Catch::EndsWith("[CYCLE]"));
  CHECK(lines[4] == "  5 awaits halo from 6");
}
