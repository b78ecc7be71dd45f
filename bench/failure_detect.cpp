// failure_detect: how long a cluster takes to report a lost member down on every other member
// (../shared/BENCH.md: a distribution over trials, no peer). Two observer nodes stay up; for
// each trial a victim node joins, is seen up by both, and is then killed (SIGKILL: its sockets
// close) or frozen (SIGSTOP: nothing closes, the heartbeats stop). The latency is from the
// signal to the later of the two observers' down events, both read off CLOCK_MONOTONIC (one
// clock for every process of the host).
//
//   bench_failure_detect [--trials N]     N trials of each kind (default 20)
#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <time.h>

#include <troupe/cluster.hpp>
#include <troupe/troupe.hpp>

#include "common/bench.hpp"
#include "common/process.hpp"

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

int member(int argc, char** argv) {
  troupe::node_config cfg{"failure_detect"};
  std::string role;
  cfg.option(role, "role", "observer or victim");
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

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string{argv[1]}.rfind("--role", 0) == 0)
    return member(argc, argv);
  bench::options opt{argc, argv, {"trials"}};
  int trials = std::stoi(opt.get("trials", "20"));
  bench::child a{{"--role", "observer", "--listen", "127.0.0.1:0"}};
  auto a_addr = expect(a, "listening on ");
  bench::child b{{"--role", "observer", "--join", a_addr}};
  auto b_addr = expect(b, "self ");
  expect(a, "up " + b_addr);
  std::vector<double> all;
  for (auto [kind, sig] : {std::pair{"kill", SIGKILL}, std::pair{"stop", SIGSTOP}}) {
    std::vector<double> lat;
    for (int t = 0; t < trials; ++t) {
      bench::child victim{{"--role", "victim", "--join", a_addr}};
      auto v = expect(victim, "self ");
      expect(a, "up " + v);
      expect(b, "up " + v);
      auto t0 = now_ns();
      victim.signal(sig);
      auto ta = std::stoll(expect(a, "down " + v + " "));
      auto tb = std::stoll(expect(b, "down " + v + " "));
      lat.push_back(static_cast<double>(std::max(ta, tb) - t0) * 1e-9);
      victim.signal(SIGKILL);
    }
    all.insert(all.end(), lat.begin(), lat.end());
    std::printf("{\"bench\":\"failure_detect\",\"impl\":\"troupe\",\"metric\":\"latency_s\","
                "\"value\":%.3f,\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"reps\":%zu,"
                "\"threads\":1,\"kind\":\"%s\",\"nodes\":3}\n",
                quantile(lat, 0.99), quantile(lat, 0.5), quantile(lat, 0.99),
                *std::max_element(lat.begin(), lat.end()), lat.size(), kind);
    std::fflush(stdout);
  }
  return 0;
}
