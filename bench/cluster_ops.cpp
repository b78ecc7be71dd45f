// cluster_ops: two operations of a cluster beside raw CAF doing the same between two processes
// on 127.0.0.1 (../shared/BENCH.md).
//   registry_lookup: finding an actor by name from the other node. troupe: `node.lookup`
//     (the cluster's name table, kept on every member); caf: `middleman::remote_lookup` of a
//     name in the other node's CAF registry. latency_us, median of the reps' means.
//   remote_spawn: spawning an actor type by name on the other node and getting its handle.
//     troupe: `node.spawn_remote`; caf: `middleman::remote_spawn` of a type registered with
//     the actor system config. spawns_per_s.
// One server process and one client process; the client alternates troupe and CAF reps.
//
//   bench_cluster_ops [--reps N] [--lookups N] [--spawns N]
#include <cstdio>
#include <string>
#include <vector>

#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <troupe/names.hpp>
#include <troupe/remote.hpp>
#include <troupe/troupe.hpp>

#include "common/bench.hpp"
#include "common/process.hpp"

using namespace std::chrono_literals;

namespace {

caf::behavior caf_adder(caf::event_based_actor*) {
  return {[](int x, int y) { return x + y; }};
}

troupe::behavior adder(troupe::context&) {
  return {[](int x, int y) { return x + y; }};
}

constexpr auto lookup_name = caf::atom("t_bench");

int serve(int argc, char** argv) {
  troupe::node_config cfg{"cluster_ops"};
  std::string role;
  cfg.option(role, "role", "server");
  cfg.threads = 1;
  cfg.add_actor_type("adder", troupe::make_factory<>(adder));
  static_cast<caf::actor_system_config&>(cfg).add_actor_type("caf_adder", caf_adder);
  return troupe::run(cfg, argc, argv, [](troupe::node& n) {
    auto a = troupe::spawn(n, adder);
    n.system().registry().put(lookup_name, caf::actor_cast<caf::strong_actor_ptr>(a));
    if (!n.register_name("bench", a, 5s))
      return 1;
    std::printf("ready\n");
    std::fflush(stdout);
    for (;;)
      ::pause();
    return 0;
  });
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string{argv[1]}.rfind("--role", 0) == 0)
    return serve(argc, argv);
  bench::options opt{argc, argv, {"reps", "lookups", "spawns"}};
  auto reps = opt.get("reps", 7LL);
  auto lookups = opt.get("lookups", 2000LL);
  auto spawns = opt.get("spawns", 500LL);
  bench::child server{{"--role", "server", "--listen", "127.0.0.1:0"}};
  auto line = server.read_line();
  const std::string prefix = "listening on ";
  if (line.rfind(prefix, 0) != 0) {
    std::fprintf(stderr, "cluster_ops: the server printed '%s'\n", line.c_str());
    return 1;
  }
  auto where = line.substr(prefix.size());
  while (server.read_line() != "ready") {
  }
  troupe::node_config cfg{"cluster_ops"};
  cfg.threads = 1;
  const char* args[] = {"cluster_ops", "--join", where.c_str()};
  auto n = troupe::node::start(std::move(cfg), 3, args);
  if (!n) {
    std::fprintf(stderr, "cluster_ops: %s\n", n.error().message().c_str());
    return 1;
  }
  auto peer = *n->joined();
  auto& mm = n->system().middleman();
  std::vector<double> t_lookup, c_lookup, t_spawn, c_spawn;
  for (long long r = 0; r <= reps; ++r) { // rep 0 warms up
    auto t0 = bench::clock::now();
    for (long long i = 0; i < lookups; ++i)
      if (!n->lookup("bench", 5s))
        return 1;
    auto tl = bench::seconds_since(t0) / static_cast<double>(lookups) * 1e6;
    t0 = bench::clock::now();
    for (long long i = 0; i < lookups; ++i)
      if (!mm.remote_lookup(lookup_name, peer.id))
        return 1;
    auto cl = bench::seconds_since(t0) / static_cast<double>(lookups) * 1e6;
    t0 = bench::clock::now();
    for (long long i = 0; i < spawns; ++i)
      if (!n->spawn_remote(peer, "adder", caf::message{}, 5s))
        return 1;
    auto ts = static_cast<double>(spawns) / bench::seconds_since(t0);
    t0 = bench::clock::now();
    for (long long i = 0; i < spawns; ++i)
      if (!mm.remote_spawn<caf::actor>(peer.id, "caf_adder", caf::make_message(), 5s))
        return 1;
    auto cs = static_cast<double>(spawns) / bench::seconds_since(t0);
    if (r == 0)
      continue;
    t_lookup.push_back(tl);
    c_lookup.push_back(cl);
    t_spawn.push_back(ts);
    c_spawn.push_back(cs);
  }
  auto row = [&](const char* bench, const char* impl, const char* metric,
                 const std::vector<double>& xs) {
    std::printf("{\"bench\":\"%s\",\"impl\":\"%s\",\"metric\":\"%s\",\"value\":%.4g,"
                "\"min\":%.4g,\"max\":%.4g,\"reps\":%zu,\"threads\":1}\n",
                bench, impl, metric, bench::median(xs), *std::min_element(xs.begin(), xs.end()),
                *std::max_element(xs.begin(), xs.end()), xs.size());
  };
  row("registry_lookup", "troupe", "latency_us", t_lookup);
  row("registry_lookup", "caf", "latency_us", c_lookup);
  row("remote_spawn", "troupe", "spawns_per_s", t_spawn);
  row("remote_spawn", "caf", "spawns_per_s", c_spawn);
  return 0;
}
