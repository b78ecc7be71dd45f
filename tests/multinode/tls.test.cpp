// Mutual TLS across real processes: members with certificates from one CA (scripts/dev-ca) form
// a full mesh; a plain node, or one with a certificate from another CA, is refused and the
// refusing node says why in one line; bad --tls-* files and a non-loopback listener without
// TLS are refused before the node starts.
#include <string>
#include <vector>

#include <ifaddrs.h>

#include "tls_files.hpp"

namespace {

using namespace troupe::test;

const std::string exe = TROUPE_TEST_CLUSTER_NODE_EXE;

// Reads `p`'s stderr until a line containing `text`; returns it.
std::string await_err(process& p, const std::string& text, std::string_view what) {
  auto deadline = std::chrono::steady_clock::now() + finish_timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto line = p.read_err_line(std::max(left, std::chrono::milliseconds{1}), what);
    if (line.find(text) != std::string::npos)
      return line;
  }
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++n;
  return n;
}

// Starts a node joining `at` with `args`, which must give up: exit 1, one error line.
void refused_join(const std::string& at, std::vector<std::string> args) {
  process p{exe, with_flags({"--join", at, "--join-timeout", "2", "--expect", "2"}, args)};
  auto code = p.wait(finish_timeout, "the refused node to give up");
  INFO("stderr of " << p.describe() << ":\n" << p.err());
  CHECK(code == 1);
  CHECK_THAT(p.err(), Catch::Contains("--join " + at));
}

// Runs a node with `args` and `--exit`; expects exit 2 and one line; returns it.
std::string rejected(std::vector<std::string> args) {
  args.emplace_back("--exit");
  process p{exe, std::move(args)};
  auto code = p.wait(finish_timeout, "the node to reject its options");
  INFO("command: " << p.describe() << "\nstderr:\n" << p.err());
  CHECK(code == 2);
  auto lines = lines_of(p.err());
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::StartsWith("cluster_node: "));
  return lines[0];
}

// A non-loopback IPv4 address of this host (traffic to it stays on the host), or "".
std::string local_non_loopback_address() {
  ifaddrs* all = nullptr;
  if (::getifaddrs(&all) != 0)
    return {};
  std::string out;
  for (auto* i = all; i != nullptr && out.empty(); i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET)
      continue;
    auto& in = reinterpret_cast<sockaddr_in&>(*i->ifa_addr);
    if ((ntohl(in.sin_addr.s_addr) >> 24) == 127)
      continue;
    char text[INET_ADDRSTRLEN] = {};
    if (::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text) != nullptr)
      out = text;
  }
  ::freeifaddrs(all);
  return out;
}

} // namespace

TEST_CASE("three nodes with certificates from one CA form a full mesh over TLS",
          "[multinode][tls]") {
  dev_ca ca{{"n1", "n2", "n3"}};
  listener a{exe, with_flags(ca.flags("n1"), {"--expect", "3"})};
  listener b{exe, with_flags(ca.flags("n2"), {"--join", a.address(), "--expect", "3"})};
  process c{exe, with_flags(ca.flags("n3"), {"--join", b.address(), "--expect", "3"})};
  auto ma = await_line(a.proc, "members: ", start_timeout, "a's members");
  auto mb = await_line(b.proc, "members: ", start_timeout, "b's members");
  auto mc = await_line(c, "members: ", start_timeout, "c's members");
  CHECK(ma == mb);
  CHECK(mb == mc);
  CHECK(std::count(ma.begin(), ma.end(), ' ') == 2);
  CHECK_THAT(a.proc.err(), !Catch::Contains("refused"));
}

TEST_CASE("a TLS node refuses a node without certificate, says why in one line, and never "
          "lists it",
          "[multinode][tls]") {
  dev_ca ca{{"n1"}};
  listener a{exe, with_flags(ca.flags("n1"), {"--watch"})};
  refused_join(a.address(), {});
  auto line = await_err(a.proc, "refused", "a's line about the plain node");
  CHECK_THAT(line, Catch::StartsWith("cluster_node: refused a connection from 127.0.0.1:") &&
                       Catch::Contains("does not speak TLS"));
  CHECK(count_of(a.proc.err(), "refused") == 1);
  CHECK_THAT(a.proc.out(), !Catch::Contains("event "));
}

TEST_CASE("a TLS node refuses nodes with a certificate from another CA and says why in one "
          "line each",
          "[multinode][tls]") {
  dev_ca ca{{"n1"}};
  dev_ca other{{"rogue"}};
  listener a{exe, with_flags(ca.flags("n1"), {"--watch"})};

  // The rogue trusts only its own CA: it refuses a's certificate, and a hears why.
  refused_join(a.address(), other.flags("rogue"));
  auto line = await_err(a.proc, "refused", "a's line about the rogue that refused it");
  CHECK_THAT(line,
             Catch::Contains("refused this node's certificate") && Catch::Contains("unknown CA"));

  // The rogue trusts a's CA too: a checks its certificate and refuses it.
  auto both = other.dir + "/both.pem";
  concatenate({ca.ca(), other.ca()}, both);
  refused_join(a.address(), {"--tls-cert", other.cert("rogue"), "--tls-key", other.key("rogue"),
                             "--tls-ca", both});
  line = await_err(a.proc, "refused", "a's line about the rogue's certificate");
  CHECK_THAT(line, Catch::Contains("its certificate is not signed by --tls-ca " + ca.ca()));
  CHECK(count_of(a.proc.err(), "refused a connection") == 2);
  CHECK_THAT(a.proc.out(), !Catch::Contains("event "));
}

TEST_CASE("a node given part of the TLS flags or bad TLS files names the flag and exits 2",
          "[multinode][tls][options]") {
  dev_ca ca{{"n1", "n2"}};
  auto not_pem = ca.dir + "/not.pem";
  concatenate({}, not_pem, "hello\n");
  const std::string cert = ca.cert("n1");
  const std::string key = ca.key("n1");
  CHECK_THAT(rejected({"--tls-cert", cert, "--tls-ca", ca.ca()}),
             Catch::Contains("--tls-key") && Catch::Contains("missing"));
  CHECK_THAT(rejected({"--tls-key", key}), Catch::Contains("--tls-cert") &&
                                               Catch::Contains("missing") &&
                                               Catch::Contains("scripts/dev-ca"));
  CHECK_THAT(rejected({"--tls-cert", cert, "--tls-key", key}), Catch::Contains("--tls-ca"));
  CHECK_THAT(rejected({"--tls-cert", ca.dir + "/none.pem", "--tls-key", key, "--tls-ca", ca.ca()}),
             Catch::Contains("--tls-cert " + ca.dir + "/none.pem: cannot read it"));
  CHECK_THAT(rejected({"--tls-cert", not_pem, "--tls-key", key, "--tls-ca", ca.ca()}),
             Catch::Contains("--tls-cert " + not_pem + ": not a PEM certificate"));
  CHECK_THAT(rejected({"--tls-cert", cert, "--tls-key", not_pem, "--tls-ca", ca.ca()}),
             Catch::Contains("--tls-key " + not_pem + ": not a PEM private key"));
  CHECK_THAT(rejected({"--tls-cert", cert, "--tls-key", key, "--tls-ca", not_pem}),
             Catch::Contains("--tls-ca " + not_pem + ": not a PEM certificate"));
  CHECK_THAT(rejected({"--tls-cert", cert, "--tls-key", ca.key("n2"), "--tls-ca", ca.ca()}),
             Catch::Contains("--tls-key " + ca.key("n2") + ": does not match --tls-cert " + cert));
  dev_ca other{{"rogue"}};
  CHECK_THAT(rejected({"--tls-cert", other.cert("rogue"), "--tls-key", other.key("rogue"),
                       "--tls-ca", ca.ca()}),
             Catch::Contains("not accepted by --tls-ca " + ca.ca()));
}

TEST_CASE("the TLS files come from the config file's openssl keys too, and flags win",
          "[multinode][tls][options]") {
  dev_ca ca{{"n1"}};
  auto ini = ca.dir + "/node.ini";
  concatenate({}, ini,
              "[openssl]\ncertificate=\"" + ca.cert("n1") + "\"\nkey=\"" + ca.dir +
                  "/none.key\"\ncafile=\"" + ca.ca() + "\"\n");
  CHECK_THAT(rejected({"--config", ini}), Catch::Contains("--tls-key " + ca.dir + "/none.key"));
  listener a{exe, {"--config", ini, "--tls-key", ca.key("n1"), "--exit"}};
  CHECK(a.proc.wait(finish_timeout, "the node configured from its file to end") == 0);
}

TEST_CASE("a node refuses a non-loopback listener without TLS unless --insecure",
          "[multinode][tls][options]") {
  auto line = rejected({"--listen", "0.0.0.0:0"});
  CHECK_THAT(line, Catch::Contains("--listen 0.0.0.0:0") && Catch::Contains("--tls-cert") &&
                       Catch::Contains("scripts/dev-ca") && Catch::Contains("--insecure"));
  dev_ca ca{{"n1"}};
  for (auto extra : {std::vector<std::string>{"--insecure"}, ca.flags("n1")}) {
    process p{exe, with_flags({"--listen", "0.0.0.0:0", "--exit"}, extra)};
    CHECK_THAT(p.read_line(start_timeout, "the 'listening on' line"),
               Catch::StartsWith("listening on 0.0.0.0:"));
    CHECK(p.wait(finish_timeout, "the node to end") == 0);
  }
}

TEST_CASE("a node joining over a non-loopback address needs TLS or --insecure to listen there",
          "[multinode][tls][options]") {
  auto ip = local_non_loopback_address();
  if (ip.empty()) {
    WARN("this host has no non-loopback IPv4 address: nothing to test");
    return;
  }
  process a{exe, {"--listen", ip + ":0", "--insecure", "--expect", "2"}};
  auto at = await_line(a, "listening on ", start_timeout, "a's listening line");
  auto line = rejected({"--join", at});
  CHECK_THAT(line, Catch::Contains("--join " + at) && Catch::Contains(ip) &&
                       Catch::Contains("--tls-cert") && Catch::Contains("--insecure"));
  process b{exe, {"--join", at, "--insecure", "--expect", "2"}};
  CHECK(await_line(b, "members: ", start_timeout, "b's members") ==
        await_line(a, "members: ", start_timeout, "a's members"));

  dev_ca ca{{"n1", "n2"}};
  process c{exe, with_flags(ca.flags("n1"), {"--listen", ip + ":0", "--expect", "2"})};
  at = await_line(c, "listening on ", start_timeout, "c's listening line");
  process d{exe, with_flags(ca.flags("n2"), {"--join", at, "--expect", "2"})};
  CHECK(await_line(d, "members: ", start_timeout, "d's members") ==
        await_line(c, "members: ", start_timeout, "c's members"));
}
