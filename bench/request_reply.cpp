// request_reply: a client requests, awaits the reply, requests again; round trips/s.
// troupe: a coroutine `co_await troupe::request<R>(...)` against a troupe behavior; caf: raw
// CAF event-based actors chaining `request(...).then(...)`; both without a deadline
// (`infinite`), and as `*-timeout` with a 10 s deadline on every request, whose cost is CAF's
// timer bookkeeping on both sides. `caf-tuned` is raw CAF on troupe's scheduler settings (CAF's
// scheduler); `caf-troupe-scheduler` is the raw CAF actors on a troupe node's actor system, i.e.
// on troupe's scheduler: caf-troupe-scheduler / caf is what troupe's scheduler gains, troupe /
// caf-troupe-scheduler what its actor layer (coroutine requests) costs.
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include <troupe/troupe.hpp>

#include "common/bench.hpp"
#include "common/game.hpp"
#include "common/systems.hpp"

namespace {

using ask_atom = caf::atom_constant<caf::atom("ask")>;

// -- raw CAF ------------------------------------------------------------------------------------

caf::behavior caf_server(caf::event_based_actor*) {
  return {[](ask_atom, std::int64_t n) { return n; }};
}

void caf_ask(caf::event_based_actor* self, const caf::actor& server, caf::duration timeout,
             const std::shared_ptr<bench::game>& g, std::int64_t n) {
  self->request(server, timeout, ask_atom::value, n).then([=](std::int64_t r) {
    if (g->on_round(r))
      self->quit();
    else
      caf_ask(self, server, timeout, g, r + 1);
  });
}

caf::behavior caf_client(caf::event_based_actor* self, caf::actor server, caf::duration timeout,
                         std::shared_ptr<bench::game> g) {
  caf_ask(self, server, timeout, g, 0);
  return {[](ask_atom) {}}; // stays alive between replies; the chain above does the work
}

// -- troupe -------------------------------------------------------------------------------------

troupe::behavior troupe_server(troupe::context&) {
  return {[](ask_atom, std::int64_t n) { return n; }};
}

troupe::task<> troupe_client(troupe::context& self, caf::actor server, troupe::duration timeout,
                             std::shared_ptr<bench::game> g) {
  for (std::int64_t n = 0;; ++n) {
    auto r = co_await troupe::request<std::int64_t>(self, server, timeout, ask_atom::value, n);
    if (!r || g->on_round(*r))
      co_return;
  }
}

double caf_game(caf::actor_system& sys, troupe::duration timeout, std::int64_t warmup,
                std::int64_t rounds) {
  auto g = std::make_shared<bench::game>(bench::game{warmup, rounds, {}, {}});
  auto result = g->seconds.get_future();
  auto server = sys.spawn(caf_server);
  auto t = timeout == troupe::infinite ? caf::infinite : caf::duration{timeout};
  auto client = sys.spawn(caf_client, server, t, g);
  auto secs = result.get();
  caf::anon_send_exit(server, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
  return secs;
}

double play_caf(unsigned threads, bool tuned, troupe::duration timeout, std::int64_t warmup,
                std::int64_t rounds) {
  bench::caf_system s{threads, tuned};
  return caf_game(s.sys(), timeout, warmup, rounds);
}

// The same raw CAF actors on a troupe node's actor system, i.e. on troupe's scheduler.
double play_caf_on_troupe(unsigned threads, troupe::duration timeout, std::int64_t warmup,
                          std::int64_t rounds) {
  bench::troupe_system s{bench::troupe_args(threads)};
  return caf_game(s.sys(), timeout, warmup, rounds);
}

double play_troupe(unsigned threads, bool introspection, troupe::duration timeout,
                   std::int64_t warmup, std::int64_t rounds) {
  bench::troupe_system s{bench::troupe_args(threads, introspection)};
  auto g = std::make_shared<bench::game>(bench::game{warmup, rounds, {}, {}});
  auto result = g->seconds.get_future();
  auto server = troupe::spawn(*s.node, troupe_server);
  troupe::spawn(*s.node, troupe_client, server, timeout, g);
  return result.get();
}

} // namespace

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  bench::options opt{argc, argv, {"reps", "rounds", "warmup", "threads", "impls"}};
  auto reps = opt.get("reps", 7LL);
  auto rounds = opt.get("rounds", 100000LL);
  auto warmup = opt.get("warmup", 10000LL);
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  auto impls = bench::impl_list(opt, "troupe,troupe-nointrospect,caf,caf-tuned,"
                                     "caf-troupe-scheduler,troupe-timeout,caf-timeout");
  auto none = troupe::infinite;
  troupe::duration timeout = 10s;

  struct impl {
    std::string name;
    std::function<double()> play;
    std::vector<double> per_s;
  };
  std::vector<impl> all{
      {"troupe", [&] { return play_troupe(threads, true, none, warmup, rounds); }, {}},
      {"troupe-nointrospect",
       [&] { return play_troupe(threads, false, none, warmup, rounds); },
       {}},
      {"caf", [&] { return play_caf(threads, false, none, warmup, rounds); }, {}},
      {"caf-tuned", [&] { return play_caf(threads, true, none, warmup, rounds); }, {}},
      {"caf-troupe-scheduler",
       [&] { return play_caf_on_troupe(threads, none, warmup, rounds); },
       {}},
      {"troupe-timeout", [&] { return play_troupe(threads, true, timeout, warmup, rounds); }, {}},
      {"caf-timeout", [&] { return play_caf(threads, false, timeout, warmup, rounds); }, {}},
  };
  std::vector<impl*> chosen;
  for (auto& i : all)
    if (impls.count(i.name) != 0)
      chosen.push_back(&i);

  for (auto* i : chosen)
    i->play();
  for (long long r = 0; r < reps; ++r)
    for (auto* i : chosen)
      i->per_s.push_back(static_cast<double>(rounds) / i->play());
  for (auto* i : chosen)
    bench::report("request_reply", i->name, "round_trips_per_s", i->per_s, threads,
                  {{"rounds", std::to_string(rounds)},
                   {"timeout", i->name.ends_with("-timeout") ? "\"10s\"" : "\"infinite\""}});
  // The gap to raw CAF split into troupe's scheduler and its actor layer (median of per-rep
  // ratios).
  auto find = [&](const std::string& n) -> impl* {
    for (auto* i : chosen)
      if (i->name == n)
        return i;
    return nullptr;
  };
  for (auto [x, y] : {std::pair{"troupe", "caf"}, std::pair{"caf-troupe-scheduler", "caf"},
                      std::pair{"troupe", "caf-troupe-scheduler"}}) {
    if (auto* a = find(x), *b = find(y); a && b)
      bench::report_paired("request_reply", a->name, b->name, a->per_s, b->per_s, threads);
  }
  return 0;
}
