// troupe-top against more actors than one page of /api/v1/actors: two nodes of 800 idle actors
// each; sorting and filtering in the terminal reach actors past each node's first page, because
// troupe-top asks every node for its own order and filter and merges the answers.
#include <regex>

#include <multinode/nodes.hpp>

#include "tmux_support.hpp"

using troupe::test::await_line;
using troupe::test::listener;
using troupe::test::process;
using troupe::test::rows_of;
using troupe::test::start_timeout;
using troupe::test::tmux_server;

namespace {

std::string monitor_of(process& p) {
  auto line = p.read_err_line(start_timeout, "'monitor on http://...'");
  REQUIRE(line.starts_with("monitor on http://"));
  return line.substr(18);
}

// The names in the table's NAME column, top to bottom.
std::vector<std::string> names_of(const std::string& screen) {
  std::vector<std::string> out;
  for (auto& r : rows_of(screen))
    if (r.size() > 1)
      out.push_back(r[1]);
  return out;
}

} // namespace

TEST_CASE("troupe-top sorts and filters across more actors than one page of each node",
          "[tools][troupe-top][tmux]") {
  auto tmux = troupe::test::find_in_path("tmux");
  if (!tmux) {
    WARN("skipped: tmux is not installed (scripts/install-deps installs it)");
    return;
  }
  listener first{TROUPE_TEST_CROWD_NODE_EXE, {"--actors", "800", "--first", "0"}};
  auto seed = monitor_of(first.proc);
  process second{TROUPE_TEST_CROWD_NODE_EXE,
                 {"--actors", "800", "--first", "800", "--join", first.address()}};
  await_line(first.proc, "ready", start_timeout, "the first node's 'ready' line");
  await_line(second, "ready", start_timeout, "the second node's 'ready' line");
  tmux_server server{*tmux};
  server.start(std::string{TROUPE_TOP_EXE} + " " + seed);

  // The header counts every actor of both nodes, though each sent one screen of them.
  server.await(
      [](const std::string& s) {
        std::smatch m;
        static const std::regex actors{R"(nodes 2/2 up.*actors (\d+))"};
        return std::regex_search(s, m, actors) && std::stoi(m[1]) >= 1600 &&
               s.find(" actors; scroll for more]") != std::string::npos;
      },
      "'nodes 2/2 up', 'actors N' with N >= 1600 and the rows shown of how many");

  // Only the crowd, by name from the last: crowd-01599 is the second node's last actor, past its
  // first page of 500 by id.
  server.keys({"/", "crowd", "Enter", "<", "<", "r"});
  auto screen = server.await(
      [](const std::string& s) {
        auto names = names_of(s);
        return s.find("NAME^") != std::string::npos && !names.empty() &&
               names.front() == "crowd-01599";
      },
      "the NAME column reversed with crowd-01599 on top");
  auto names = names_of(screen);
  REQUIRE(names.size() > 10);
  for (std::size_t i = 0; i < names.size(); ++i) {
    char want[32];
    std::snprintf(want, sizeof want, "crowd-%05zu", 1599 - i);
    CHECK(names[i] == want);
  }

  // A filter that only actors past the first node's first page match.
  server.keys({"/", "crowd-0079", "Enter"});
  screen = server.await(
      [](const std::string& s) {
        auto n = names_of(s);
        return n.size() == 10 && n.front() == "crowd-00799" && n.back() == "crowd-00790";
      },
      "exactly crowd-00799 … crowd-00790 after filtering on 'crowd-0079'");
  for (auto& r : rows_of(screen))
    CHECK(r[3] == first.address());
  server.keys({"q"});
  server.await([&](const std::string&) { return server.ended(); }, "troupe-top ending after q");
}
