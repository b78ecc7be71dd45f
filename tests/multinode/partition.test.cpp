// A network partition: two members in separate network namespaces joined by a veth pair; the
// link is set down and each side reports the other down (CAF's heartbeats time out: nothing
// closes the connection). Needs root (ip netns), as CI runs; the namespaces are removed after.
#include <cstdlib>
#include <string>

#include <unistd.h>

#include "nodes.hpp"

namespace {

using namespace troupe::test;

const std::string exe = TROUPE_TEST_CLUSTER_NODE_EXE;

int sh(const std::string& cmd) {
  return std::system((cmd + " >/dev/null 2>&1").c_str());
}

// Two namespaces joined by a veth pair: 10.201.N.1 in the first, 10.201.N.2 in the second.
struct partitionable {
  partitionable() {
    auto n = std::to_string(::getpid() % 250 + 1);
    a = "troupe-a" + n;
    b = "troupe-b" + n;
    ip_a = "10.201." + n + ".1";
    ip_b = "10.201." + n + ".2";
    cleanup();
    INFO("creating network namespaces needs root and iproute2 (ip netns)");
    REQUIRE(sh("ip netns add " + a) == 0);
    REQUIRE(sh("ip netns add " + b) == 0);
    REQUIRE(sh("ip link add " + a + "v type veth peer name " + b + "v") == 0);
    REQUIRE(sh("ip link set " + a + "v netns " + a) == 0);
    REQUIRE(sh("ip link set " + b + "v netns " + b) == 0);
    REQUIRE(sh("ip -n " + a + " addr add " + ip_a + "/30 dev " + a + "v") == 0);
    REQUIRE(sh("ip -n " + b + " addr add " + ip_b + "/30 dev " + b + "v") == 0);
    for (auto& ns : {a, b}) {
      REQUIRE(sh("ip -n " + ns + " link set lo up") == 0);
      REQUIRE(sh("ip -n " + ns + " link set " + ns + "v up") == 0);
    }
  }

  ~partitionable() {
    cleanup();
  }

  void cleanup() const {
    sh("ip netns del " + a);
    sh("ip netns del " + b);
  }

  std::vector<std::string> in(const std::string& ns, std::vector<std::string> args) const {
    args.insert(args.begin(), {"netns", "exec", ns, exe});
    return args;
  }

  std::string a, b, ip_a, ip_b;
};

} // namespace

TEST_CASE("a partition between two members is reported down on both sides",
          "[multinode][cluster][partition]") {
  partitionable net;
  // --insecure: the veth link between two namespaces of this machine is not loopback.
  process a{"/usr/sbin/ip",
            net.in(net.a, {"--listen", net.ip_a + ":0", "--expect", "2", "--watch", "--insecure"})};
  auto listening = await_line(a, "listening on ", start_timeout, "a's listening line");
  process b{"/usr/sbin/ip",
            net.in(net.b, {"--join", listening, "--expect", "2", "--watch", "--insecure"})};
  auto members = await_line(a, "members: ", start_timeout, "a's members");
  CHECK_THAT(members, Catch::Contains(net.ip_b + ":"));
  auto b_self = await_line(b, "self ", start_timeout, "b's address");
  CHECK(b_self.rfind(net.ip_b + ":", 0) == 0);

  REQUIRE(sh("ip -n " + net.a + " link set " + net.a + "v down") == 0);
  auto ev = await_line(a, "event " + b_self + " ", start_timeout, "a's event about b");
  if (ev == "suspect")
    ev = await_line(a, "event " + b_self + " ", start_timeout, "a's event about b");
  CHECK(ev == "down");
  ev = await_line(b, "event " + listening + " ", start_timeout, "b's event about a");
  if (ev == "suspect")
    ev = await_line(b, "event " + listening + " ", start_timeout, "b's event about a");
  CHECK(ev == "down");
}
