// troupe-top in a real terminal: tmux runs it against three cluster nodes; the test sends keys
// and reads the screen. The nodes are started one by one here, not by troupe-run, because
// troupe-run ends every rank once one is killed, and the test kills one to see it shown down.
#include <atomic>
#include <csignal>
#include <functional>
#include <iterator>
#include <optional>
#include <sstream>
#include <thread>

#include <multinode/nodes.hpp>

#include "tmux_support.hpp"

using troupe::test::await_line;
using troupe::test::lines_of;
using troupe::test::listener;
using troupe::test::process;
using troupe::test::start_timeout;

namespace {

using namespace std::chrono_literals;
using troupe::test::rows_of;
using troupe::test::tmux_server;

// A member started here: its --listen address and its monitor's.
struct member {
  member(process& p, std::string self_address)
    : proc(p)
    , address(std::move(self_address)) {
    auto line = p.read_err_line(start_timeout, "'monitor on http://...'");
    REQUIRE(line.starts_with("monitor on http://"));
    monitor = line.substr(18);
  }
  process& proc;
  std::string address;
  std::string monitor;
};

const std::vector<std::string> node_args{"--expect", "3", "--watch", "--place", "3"};

std::vector<std::string> joining(const std::string& addr) {
  auto args = node_args;
  args.insert(args.end(), {"--join", addr});
  return args;
}

} // namespace

TEST_CASE("troupe-top in a terminal shows, sorts and filters the cluster's actors, opens a detail "
          "with its await, and shows a killed node as down while it keeps running",
          "[tools][troupe-top][tmux]") {
  auto tmux = troupe::test::find_in_path("tmux");
  if (!tmux) {
    WARN("skipped: tmux is not installed (scripts/install-deps installs it)");
    return;
  }
  listener first{TROUPE_TEST_CLUSTER_NODE_EXE, node_args};
  process second{TROUPE_TEST_CLUSTER_NODE_EXE, joining(first.address())};
  process third{TROUPE_TEST_CLUSTER_NODE_EXE, joining(first.address())};
  std::vector<member> members;
  for (process* p : {&first.proc, &second, &third}) {
    auto self = await_line(*p, "self ", start_timeout, "the 'self ADDR' line");
    members.emplace_back(*p, self);
    await_line(*p, "ready", start_timeout, "the 'ready' line");
  }
  tmux_server server{*tmux};
  server.start(std::string{TROUPE_TOP_EXE} + " " + members[0].monitor);

  // The table: actors of all three nodes.
  auto screen = server.await(
      [&](const std::string& s) {
        auto rows = rows_of(s);
        for (auto& m : members)
          if (std::none_of(rows.begin(), rows.end(),
                           [&](auto& r) { return r.size() > 3 && r[3] == m.address; }))
            return false;
        return s.find("nodes 3/3 up") != std::string::npos;
      },
      "the actors of all three nodes and 'nodes 3/3 up'");
  auto by_node = rows_of(screen);
  CHECK_THAT(screen, Catch::Contains("NODEv"));

  // '<' sorts by the column left of NODE: TYPE.
  server.keys({"<"});
  screen = server.await([](const std::string& s) { return s.find("TYPEv") != std::string::npos; },
                        "the TYPE column marked as the sort column");
  auto by_type = rows_of(screen);
  REQUIRE(by_type.size() == by_node.size());
  CHECK(by_type != by_node);
  CHECK(
      std::is_sorted(by_type.begin(), by_type.end(), [](auto& x, auto& y) { return x[2] < y[2]; }));

  // '/' filters: only the coroutines awaiting member events, one per node.
  server.keys({"/", "coroutine", "Enter"});
  screen = server.await(
      [](const std::string& s) {
        auto rows = rows_of(s);
        return rows.size() == 3 &&
               std::all_of(rows.begin(), rows.end(), [](auto& r) { return r[2] == "coroutine"; });
      },
      "exactly the three coroutine rows after filtering on 'coroutine'");
  CHECK(rows_of(screen).size() < by_type.size());

  // Enter: the selected actor's detail with what it awaits.
  server.keys({"Enter"});
  server.await(
      [](const std::string& s) {
        return s.find("\" (coroutine) on ") != std::string::npos &&
               s.find("awaits receive (troupe::member_event) for ") != std::string::npos;
      },
      "the detail of a coroutine awaiting a member event");

  // Back to the table; one node killed: shown down, the others still listed, troupe-top alive.
  server.keys({"Escape"});
  server.await([](const std::string& s) { return rows_of(s).size() == 3; },
               "the filtered table again after Escape");
  third.signal(SIGKILL);
  screen = server.await(
      [&](const std::string& s) {
        return s.find("node " + members[2].address + "  down") != std::string::npos &&
               s.find("nodes 2/3 up") != std::string::npos && rows_of(s).size() == 2;
      },
      "node " + members[2].address + " shown down, 'nodes 2/3 up' and two rows left");
  for (auto& r : rows_of(screen))
    CHECK(r[3] != members[2].address);
  CHECK_FALSE(server.ended());

  server.keys({"q"});
  server.await([&](const std::string&) { return server.ended(); }, "troupe-top ending after q");
}
