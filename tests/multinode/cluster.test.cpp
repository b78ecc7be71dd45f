// The cluster across real processes: full mesh from joins at any member, left versus down,
// and the name registry (unique names, lookups from every node, names dropped with their node).
#include <algorithm>
#include <csignal>
#include <map>
#include <string>

#include <support/http.hpp>

#include "nodes.hpp"

namespace {

using namespace troupe::test;

const std::string exe = TROUPE_TEST_CLUSTER_NODE_EXE;

std::vector<std::string> joined(const std::string& at, std::vector<std::string> more) {
  more.insert(more.begin(), {"--join", at});
  return more;
}

} // namespace

TEST_CASE("three nodes each joining a different member all list the same three members",
          "[multinode][cluster]") {
  listener a{exe, {"--expect", "3"}};
  listener b{exe, joined(a.address(), {"--expect", "3"})};
  process c{exe, joined(b.address(), {"--expect", "3"})};
  auto ma = await_line(a.proc, "members: ", start_timeout, "a's members");
  auto mb = await_line(b.proc, "members: ", start_timeout, "b's members");
  auto mc = await_line(c, "members: ", start_timeout, "c's members");
  auto self_c = await_line(c, "self ", start_timeout, "c's own address");
  CHECK(ma == mb);
  CHECK(mb == mc);
  CHECK_THAT(ma, Catch::Contains(a.address()));
  CHECK_THAT(ma, Catch::Contains(b.address()));
  CHECK_THAT(ma, Catch::Contains(self_c));
  CHECK(std::count(ma.begin(), ma.end(), ' ') == 2);

  // The monitor of any member lists the whole cluster, with each member's monitor.
  auto line = c.read_err_line(start_timeout, "c's 'monitor on' line");
  const std::string prefix = "monitor on http://127.0.0.1:";
  REQUIRE(line.rfind(prefix, 0) == 0);
  http_client http{std::stoi(line.substr(prefix.size()))};
  http.get("/api/v1/cluster");
  auto r = http.response(start_timeout);
  CHECK(r.status == 200);
  for (auto& addr : {a.address(), b.address(), self_c})
    CHECK_THAT(r.body, Catch::Contains("\"address\":\"" + addr + "\",\"state\":\"up\""));
  CHECK(std::count(r.body.begin(), r.body.end(), '{') == 4);
  CHECK_THAT(r.body, Catch::Contains("\"monitor\":\"http://127.0.0.1:"));
}

TEST_CASE("a member that ends cleanly or gets SIGTERM is reported left; one killed or stopped "
          "is reported down",
          "[multinode][cluster]") {
  listener a{exe, {"--expect", "4", "--watch"}};
  listener b{exe, joined(a.address(), {"--expect", "4", "--watch"})};
  process d{exe, joined(b.address(), {"--expect", "4"})};
  process e{exe, joined(a.address(), {"--expect", "4"})};
  await_line(a.proc, "members: ", start_timeout, "a's members");
  await_line(b.proc, "members: ", start_timeout, "b's members");
  auto d_addr = await_line(d, "self ", start_timeout, "d's address");
  auto e_addr = await_line(e, "self ", start_timeout, "e's address");
  await_line(d, "ready", start_timeout, "d ready");

  // c returns from main right after joining a: a hears its goodbye.
  process c{exe, joined(a.address(), {"--expect", "1", "--exit"})};
  auto c_addr = await_line(c, "self ", start_timeout, "c's address");
  REQUIRE(c.wait(finish_timeout, "c to return from main") == 0);
  CHECK(await_line(a.proc, "event " + c_addr + " ", start_timeout, "a's event about c") == "left");

  d.signal(SIGTERM);
  CHECK(d.wait(finish_timeout, "d to end on SIGTERM") == 128 + SIGTERM);
  CHECK(await_line(a.proc, "event " + d_addr + " ", start_timeout, "a's event about d") == "left");
  CHECK(await_line(b.proc, "event " + d_addr + " ", start_timeout, "b's event about d") == "left");

  // Frozen: nothing closes its connections; the heartbeats stop and time out.
  e.signal(SIGSTOP);
  auto ev = await_line(a.proc, "event " + e_addr + " ", start_timeout, "a's event about e");
  if (ev == "suspect")
    ev = await_line(a.proc, "event " + e_addr + " ", start_timeout, "a's event about e");
  CHECK(ev == "down");
  e.signal(SIGKILL);

  b.proc.signal(SIGKILL);
  ev = await_line(a.proc, "event " + b.address() + " ", start_timeout, "a's event about b");
  CHECK(ev == "down");
}

TEST_CASE("a name is unique in the cluster, found from every node, and dropped with its node",
          "[multinode][cluster][names]") {
  listener a{exe, {"--expect", "3", "--register", "alpha"}};
  listener b{exe, joined(a.address(), {"--expect", "3", "--register", "alpha"})};
  process c{exe, joined(a.address(), {"--expect", "3", "--await-name", "alpha", "--register",
                                      "beta", "--watch", "--lookup-after-down", "alpha"})};
  auto ra = await_line(a.proc, "register", start_timeout, "a's registration");
  auto rb = await_line(b.proc, "register", start_timeout, "b's registration");
  INFO("a: register" << ra << "\nb: register" << rb);
  // Both registered at once: exactly one holds the name, the other is told who does.
  bool a_holds = ra == "ed alpha";
  bool b_holds = rb == "ed alpha";
  REQUIRE(a_holds != b_holds);
  auto refused = a_holds ? rb : ra;
  CHECK_THAT(refused, Catch::StartsWith(" alpha failed: name_taken: the name 'alpha' is held by "
                                        "actor "));
  CHECK(await_line(c, "registered", start_timeout, "c's registration") == " beta");
  CHECK(await_line(c, "lookup alpha", start_timeout, "c's lookup") == ": alpha echoes hi");

  // A node that joins later learns the names registered before.
  process d{exe, joined(b.address(), {"--lookup", "beta"})};
  CHECK(await_line(d, "lookup beta", start_timeout, "d's lookup") == ": beta echoes hi");

  // The holder's node dies: every node drops its names (c looks again once it saw the death).
  auto& holder = a_holds ? a : b;
  holder.proc.signal(SIGKILL);
  CHECK(await_line(c, "event ", start_timeout, "c's event") == holder.address() + " down");
  auto looked = await_line(c, "lookup alpha", start_timeout, "c's second lookup");
  CHECK_THAT(looked, Catch::StartsWith(" failed: no_such_name: no actor is registered as 'alpha'"));
}

TEST_CASE("spawn_placed round robin puts actors on every member in turn, and on a given node "
          "there",
          "[multinode][cluster][placement]") {
  listener a{exe, {"--expect", "3"}};
  listener b{exe, joined(a.address(), {"--expect", "3"})};
  process c{exe, joined(a.address(), {"--expect", "3", "--place", "6"})};
  auto self_c = await_line(c, "self ", start_timeout, "c's address");
  std::map<std::string, int> count;
  for (int i = 0; i < 6; ++i)
    ++count[await_line(c, "placed ", start_timeout, "a placement")];
  CHECK(count.size() == 3);
  CHECK(count[a.address()] == 2);
  CHECK(count[b.address()] == 2);
  CHECK(count[self_c] == 2);
  auto on_first = await_line(c, "placed on first ", start_timeout, "the placement on a node");
  auto paren = on_first.find(" (expected ");
  REQUIRE(paren != std::string::npos);
  CHECK(on_first.substr(0, paren) + ")" == on_first.substr(paren + 11));
}
