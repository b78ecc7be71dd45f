// failure_detect: how long a cluster takes to report a lost member down on every other member
// (../shared/BENCH.md: a distribution over trials, no peer). Two observer nodes stay up; for
// each trial a victim node joins, is seen up by both, and is then killed (SIGKILL: its sockets
// close) or frozen (SIGSTOP: nothing closes, the heartbeats stop). The latency is from the
// signal to the later of the two observers' down events, both read off CLOCK_MONOTONIC (one
// clock for every process of the host).
//
// A partition (kind `partition`, issue 11's goal: detected within 5 s): two nodes in network
// namespaces of their own joined by a veth pair (made by the bench, removed at its end, also
// when it fails or is interrupted); once each sees the other up, one end of the link is set
// down. Nothing closes: each side's connection times out. The latency is from just before
// `ip link set ... down` to the later of the two sides' down events. Needs root and ip(8);
// skipped with a line on stderr otherwise.
//
//   bench_failure_detect [--trials N] [--kinds kill,stop,partition]
//       N trials of each kind (default 20); the kinds to run (default all three)
#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <time.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>

#include <troupe/cluster.hpp>
#include <troupe/troupe.hpp>

#include "common/bench.hpp"
#include "common/process.hpp"
#include "common/veth.hpp"

using namespace std::chrono_literals;

namespace {

std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Prints "up ADDR" and "down ADDR NS" for each member that comes or goes.
troupe::task<> report(troupe::context& self) {
  troupe::subscribe_members(self);
  for (;;) {
    auto e = co_await troupe::receive<troupe::member_event>(self);
    auto addr = e.who.address.to_string();
    if (e.who.local)
      continue;
    if (!e.before && e.who.state == troupe::member_state::up)
      std::printf("up %s\n", addr.c_str());
    else if (e.who.state == troupe::member_state::down)
      std::printf("down %s %lld\n", addr.c_str(), static_cast<long long>(now_ns()));
    std::fflush(stdout);
  }
}

// Enters the network namespace named by `--netns NAME`, if any, before the node starts (and
// its threads, which inherit it).
void enter_netns(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string{argv[i]} != "--netns")
      continue;
    auto path = std::string{"/var/run/netns/"} + argv[i + 1];
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
      std::perror(("failure_detect: entering " + path).c_str());
      std::exit(2);
    }
    ::close(fd);
  }
}

int member(int argc, char** argv) {
  // A member never outlives the benchmark, however that ends.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  enter_netns(argc, argv);
  troupe::node_config cfg{"failure_detect"};
  std::string role;
  std::string netns;
  cfg.option(role, "role", "observer or victim");
  cfg.option(netns, "netns", "the network namespace to run in");
  cfg.threads = 1;
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    if (role == "observer")
      troupe::spawn(n, report);
    for (auto& m : n.members())
      if (m.local)
        std::printf("self %s\n", m.address.to_string().c_str());
    std::fflush(stdout);
    for (;;)
      ::pause();
    return 0;
  });
}

// Reads `c` until a line starting with `prefix`; exits the benchmark if it ends first.
std::string expect(bench::child& c, const std::string& prefix) {
  for (;;) {
    auto line = c.read_line();
    if (line.empty()) {
      std::fprintf(stderr, "failure_detect: a node ended before printing '%s'\n", prefix.c_str());
      std::exit(1);
    }
    if (line.rfind(prefix, 0) == 0)
      return line.substr(prefix.size());
  }
}

double quantile(std::vector<double> xs, double q) {
  std::sort(xs.begin(), xs.end());
  auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(xs.size()))) - 1;
  return xs[std::min(i, xs.size() - 1)];
}

void print_row(const std::vector<double>& lat, const char* kind, int nodes) {
  std::printf("{\"bench\":\"failure_detect\",\"impl\":\"troupe\",\"metric\":\"latency_s\","
              "\"value\":%.3f,\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"reps\":%zu,"
              "\"threads\":1,\"kind\":\"%s\",\"nodes\":%d}\n",
              quantile(lat, 0.99), quantile(lat, 0.5), quantile(lat, 0.99),
              *std::max_element(lat.begin(), lat.end()), lat.size(), kind, nodes);
  std::fflush(stdout);
}

// Does `cause`; returns the seconds from just before it until `a` has reported `a_lost` down
// and `b` has reported `b_lost` down.
template <class F>
double until_down(bench::child& a, const std::string& a_lost, bench::child& b,
                  const std::string& b_lost, F cause) {
  auto t0 = now_ns();
  cause();
  auto ta = std::stoll(expect(a, "down " + a_lost + " "));
  auto tb = std::stoll(expect(b, "down " + b_lost + " "));
  return static_cast<double>(std::max(ta, tb) - t0) * 1e-9;
}

// A killed (SIGKILL) and a frozen (SIGSTOP) member of three: two observers stay up, a victim
// joins for each trial.
void signal_trials(int trials, bool kill, bool stop) {
  bench::child a{{"--role", "observer", "--listen", "127.0.0.1:0"}};
  auto a_addr = expect(a, "listening on ");
  bench::child b{{"--role", "observer", "--join", a_addr}};
  auto b_addr = expect(b, "self ");
  expect(a, "up " + b_addr);
  for (auto [kind, sig] : {std::pair{"kill", SIGKILL}, std::pair{"stop", SIGSTOP}}) {
    if ((sig == SIGKILL && !kill) || (sig == SIGSTOP && !stop))
      continue;
    std::vector<double> lat;
    for (int t = 0; t < trials; ++t) {
      bench::child victim{{"--role", "victim", "--join", a_addr}};
      auto v = expect(victim, "self ");
      expect(a, "up " + v);
      expect(b, "up " + v);
      lat.push_back(until_down(a, v, b, v, [&] { victim.signal(sig); }));
      victim.signal(SIGKILL);
    }
    print_row(lat, kind, 3);
  }
}

// A partition between two members, each in a network namespace of its own (veth.hpp).
void partition_trials(int trials) {
  std::string why = bench::veth_pair::unavailable();
  if (!why.empty()) {
    std::fprintf(stderr, "failure_detect: partition skipped: %s\n", why.c_str());
    return;
  }
  bench::veth_pair net{"tfd" + std::to_string(::getpid() % 100000)};
  std::vector<double> lat;
  for (int t = 0; t < trials; ++t) {
    // A trial that hangs (a side never reports the other down) ends the benchmark, cleaned up.
    ::alarm(60);
    net.set_link(true);
    bench::child a{
        {"--role", "observer", "--netns", net.ns_a(), "--insecure", "--listen", net.ip_a() + ":0"}};
    auto a_addr = expect(a, "listening on ");
    bench::child b{{"--role", "observer", "--netns", net.ns_b(), "--insecure", "--join", a_addr}};
    auto b_addr = expect(b, "self ");
    expect(a, "up " + b_addr);
    expect(b, "up " + a_addr);
    lat.push_back(until_down(a, b_addr, b, a_addr, [&] { net.set_link(false); }));
    a.signal(SIGKILL);
    b.signal(SIGKILL);
    ::alarm(0);
  }
  print_row(lat, "partition", 2);
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string{argv[1]}.rfind("--role", 0) == 0)
    return member(argc, argv);
  bench::options opt{argc, argv, {"trials", "kinds"}};
  int trials = std::stoi(opt.get("trials", "20"));
  auto kinds = "," + opt.get("kinds", "kill,stop,partition") + ",";
  auto has = [&](const char* k) { return kinds.find("," + std::string{k} + ",") != kinds.npos; };
  if (has("kill") || has("stop"))
    signal_trials(trials, has("kill"), has("stop"));
  if (has("partition"))
    partition_trials(trials);
  return 0;
}
