// monitor_latency: how long the monitor takes to answer `GET /api/v1/actors` with 100,000 live
// actors while every worker runs kernel chunks (one actor awaits parallel_for back to back).
// The endpoint has a thread of its own; what is measured is the snapshot of every actor, its
// JSON, and the time the endpoint's thread gets on cores that the workers keep busy. Report-only
// (issue 12's goal: at most 100 ms): p50 and p99 over --samples requests, in milliseconds, for
// the default page (500 actors), for the 50 actors with the fullest mailboxes (troupe-top's kind
// of query), and the time to walk every page by `next` (at most 3 walks; reported as
// monitor_latency_walk, outside the goal, which is about one request).
#include <atomic>
#include <cmath>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <support/http.hpp>
#include <troupe/troupe.hpp>

#include "common/bench.hpp"

namespace {

double percentile(std::vector<double> xs, double p) {
  std::sort(xs.begin(), xs.end());
  auto at = static_cast<std::size_t>(std::ceil(p * static_cast<double>(xs.size()))) - 1;
  return xs[std::min(at, xs.size() - 1)];
}

// Runs kernels until `stop`: each chunk does a few microseconds of arithmetic.
troupe::task<> cruncher(troupe::context& self, std::shared_ptr<std::atomic<bool>> stop,
                        std::shared_ptr<std::atomic<std::int64_t>> kernels) {
  std::vector<double> v(1 << 16, 1.0);
  while (!stop->load(std::memory_order_relaxed)) {
    co_await troupe::parallel_for(self, 0, v.size(), [&v](std::size_t b, std::size_t e) {
      for (auto i = b; i < e; ++i)
        v[i] = std::sqrt(v[i] * 1.0000001 + 1e-9);
    });
    kernels->fetch_add(1, std::memory_order_relaxed);
  }
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, {"actors", "samples", "threads"}};
  auto actors = opt.get("actors", 100000LL);
  auto samples = opt.get("samples", 30LL);
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));

  troupe::node_config cfg{"bench_monitor_latency"};
  cfg.threads = threads;
  auto n = troupe::node::start(std::move(cfg));
  if (!n || !n->monitor_address()) {
    std::fprintf(stderr, "bench_monitor_latency: the node did not start with a monitor\n");
    return 1;
  }
  std::vector<caf::actor> keep;
  keep.reserve(static_cast<std::size_t>(actors));
  for (std::int64_t i = 0; i < actors; ++i)
    keep.push_back(troupe::spawn(*n, {.type = "idle"}, [](troupe::context& self) -> troupe::task<> {
      co_await troupe::receive<int>(self);
    }));
  auto stop = std::make_shared<std::atomic<bool>>(false);
  auto kernels = std::make_shared<std::atomic<std::int64_t>>(0);
  auto crunch = troupe::spawn(*n, {.name = "cruncher"}, cruncher, stop, kernels);
  while (kernels->load() < 10) // the workers are busy before the first request
    std::this_thread::yield();

  auto port = n->monitor_address()->port;
  // One GET; its time in ms, or a negative number after saying on stderr what went wrong.
  auto get = [port](const std::string& path, std::string& body) {
    troupe::test::http_client c{port};
    auto t0 = bench::clock::now();
    if (!c.get(path)) {
      std::fprintf(stderr, "bench_monitor_latency: cannot send %s\n", path.c_str());
      return -1.0;
    }
    auto r = c.response(std::chrono::seconds{60});
    auto took = bench::seconds_since(t0) * 1e3;
    if (r.status != 200) {
      std::fprintf(stderr, "bench_monitor_latency: %s answered %d\n", path.c_str(), r.status);
      return -1.0;
    }
    body = std::move(r.body);
    return took;
  };
  for (auto [impl, path] : {std::pair{"troupe-page", "/api/v1/actors"},
                            {"troupe-top50", "/api/v1/actors?sort=-mailbox&limit=50"}}) {
    std::vector<double> ms;
    std::string body;
    for (std::int64_t s = 0; s < samples + 1; ++s) {
      auto took = get(path, body);
      if (took < 0)
        return 1;
      if (s > 0) // the first is a warm-up
        ms.push_back(took);
    }
    bench::report("monitor_latency", impl, "latency_ms", ms, threads,
                  {{"p50", bench::number(percentile(ms, 0.5))},
                   {"p99", bench::number(percentile(ms, 0.99))},
                   {"actors", std::to_string(actors)},
                   {"bytes", std::to_string(body.size())},
                   {"path", bench::json_string(path)}});
  }
  // Every actor, page by page: the default page, then each answer's `next` until there is none.
  std::vector<double> walks;
  std::size_t pages = 0;
  for (std::int64_t s = 0; s < std::min<std::int64_t>(samples, 3); ++s) {
    std::string path = "/api/v1/actors";
    std::string body;
    double total = 0;
    pages = 0;
    for (;;) {
      auto took = get(path, body);
      if (took < 0)
        return 1;
      total += took;
      ++pages;
      constexpr std::string_view key = "\"next\":\"";
      auto at = body.find(key);
      if (at == std::string::npos)
        break;
      auto from = at + key.size();
      path = body.substr(from, body.find('"', from) - from);
    }
    walks.push_back(total);
  }
  bench::report("monitor_latency_walk", "troupe-all-pages", "walk_ms", walks, threads,
                {{"p50", bench::number(percentile(walks, 0.5))},
                 {"p99", bench::number(percentile(walks, 0.99))},
                 {"actors", std::to_string(actors)},
                 {"pages", std::to_string(pages)},
                 {"path", bench::json_string("/api/v1/actors, then each next")}});
  stop->store(true);
  for (auto& a : keep)
    caf::anon_send(a, 1);
  keep.clear();
  (void)n->wait(crunch);
  n->shutdown();
  return 0;
}
