// pingpong: two actors bounce a counter; msgs/s. troupe (behaviors, introspection on and off),
// troupe-receive (coroutines awaiting `receive`), raw CAF event-based actors with one worker per
// core (caf), with troupe's scheduler settings on CAF's scheduler (caf-tuned) and on troupe's
// scheduler, spawned on a troupe node's actor system (caf-troupe-scheduler), alternated
// A B C D ... per rep. caf-troupe-scheduler / caf is what troupe's scheduler gains;
// troupe / caf-troupe-scheduler is what troupe's actor layer costs.
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <caf/all.hpp>

#include <troupe/troupe.hpp>

#include "common/bench.hpp"
#include "common/game.hpp"
#include "common/systems.hpp"

namespace {

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using pong_atom = caf::atom_constant<caf::atom("pong")>;

// -- raw CAF, as CAF's own ping-pong example writes it ---------------------------------------

caf::behavior caf_ponger(caf::event_based_actor*) {
  return {[](ping_atom, std::int64_t n) { return std::make_tuple(pong_atom::value, n); }};
}

caf::behavior caf_pinger(caf::event_based_actor* self, caf::actor ponger,
                         std::shared_ptr<bench::game> g) {
  self->send(ponger, ping_atom::value, std::int64_t{0});
  return {[=](pong_atom, std::int64_t n) {
    if (g->on_round(n))
      self->quit();
    else
      self->send(ponger, ping_atom::value, n + 1);
  }};
}

// -- troupe: the same protocol with troupe behaviors ---------------------------------------------

troupe::behavior troupe_ponger(troupe::context&) {
  return {[](ping_atom, std::int64_t n) { return std::make_tuple(pong_atom::value, n); }};
}

troupe::behavior troupe_pinger(troupe::context& self, caf::actor ponger,
                               std::shared_ptr<bench::game> g) {
  self.send(ponger, ping_atom::value, std::int64_t{0});
  return {[&self, ponger, g](pong_atom, std::int64_t n) {
    if (g->on_round(n))
      self.quit();
    else
      self.send(ponger, ping_atom::value, n + 1);
  }};
}

// -- troupe: coroutines that await each message with `receive` ----------------------------------

troupe::task<> receive_ponger(troupe::context& self) {
  for (;;) {
    auto [pong, n] = co_await troupe::receive<ping_atom, std::int64_t>(self);
    self.send(caf::actor_cast<caf::actor>(self.last_sender()), pong_atom::value, n);
  }
}

troupe::task<> receive_pinger(troupe::context& self, caf::actor ponger,
                              std::shared_ptr<bench::game> g) {
  for (std::int64_t n = 0;; ++n) {
    self.send(ponger, ping_atom::value, n);
    auto [pong, m] = co_await troupe::receive<pong_atom, std::int64_t>(self);
    if (g->on_round(m))
      co_return;
  }
}

double caf_game(caf::actor_system& sys, std::int64_t warmup, std::int64_t rounds) {
  auto g = std::make_shared<bench::game>(bench::game{warmup, rounds, {}, {}});
  auto result = g->seconds.get_future();
  auto ponger = sys.spawn(caf_ponger);
  sys.spawn(caf_pinger, ponger, g);
  auto secs = result.get();
  caf::anon_send_exit(ponger, caf::exit_reason::user_shutdown);
  return secs;
}

double play_caf(unsigned threads, bool tuned, std::int64_t warmup, std::int64_t rounds) {
  bench::caf_system s{threads, tuned};
  return caf_game(s.sys(), warmup, rounds);
}

// The same raw CAF actors on a troupe node's actor system, i.e. on troupe's scheduler.
double play_caf_on_troupe(unsigned threads, std::int64_t warmup, std::int64_t rounds) {
  bench::troupe_system s{bench::troupe_args(threads)};
  return caf_game(s.sys(), warmup, rounds);
}

double play_troupe(unsigned threads, bool introspection, bool coroutines, std::int64_t warmup,
                   std::int64_t rounds) {
  bench::troupe_system s{bench::troupe_args(threads, introspection)};
  auto g = std::make_shared<bench::game>(bench::game{warmup, rounds, {}, {}});
  auto result = g->seconds.get_future();
  if (coroutines) {
    auto ponger = troupe::spawn(*s.node, receive_ponger);
    troupe::spawn(*s.node, receive_pinger, ponger, g);
  } else {
    auto ponger = troupe::spawn(*s.node, troupe_ponger);
    troupe::spawn(*s.node, troupe_pinger, ponger, g);
  }
  return result.get(); // the node's destructor ends the ponger
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, {"reps", "rounds", "warmup", "threads", "impls", "name"}};
  auto reps = opt.get("reps", 9LL);
  auto rounds = opt.get("rounds", 200000LL);
  auto warmup = opt.get("warmup", 20000LL);
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  auto impls = bench::impl_list(
      opt, "troupe,troupe-nointrospect,caf,caf-tuned,caf-troupe-scheduler,troupe-receive");

  struct impl {
    std::string name;
    std::function<double()> play;
    std::vector<double> msgs_per_s;
  };
  std::vector<impl> all{
      {"troupe", [&] { return play_troupe(threads, true, false, warmup, rounds); }, {}},
      {"troupe-nointrospect",
       [&] { return play_troupe(threads, false, false, warmup, rounds); },
       {}},
      {"caf", [&] { return play_caf(threads, false, warmup, rounds); }, {}},
      {"caf-tuned", [&] { return play_caf(threads, true, warmup, rounds); }, {}},
      {"caf-troupe-scheduler", [&] { return play_caf_on_troupe(threads, warmup, rounds); }, {}},
      {"troupe-receive", [&] { return play_troupe(threads, true, true, warmup, rounds); }, {}},
  };
  std::vector<impl*> chosen;
  for (auto& i : all)
    if (impls.count(i.name) != 0)
      chosen.push_back(&i);

  for (auto* i : chosen)
    i->play(); // warm-up: page in code, let the allocator grow
  for (long long r = 0; r < reps; ++r)
    for (auto* i : chosen)
      i->msgs_per_s.push_back(2.0 * static_cast<double>(rounds) / i->play());

  // `--name` renames troupe's row, for runs with other node flags (bench/pin-workers).
  auto troupe_name = opt.get("name", std::string{"troupe"});
  for (auto* i : chosen)
    bench::report("pingpong", i->name == "troupe" ? troupe_name : i->name, "msgs_per_s",
                  i->msgs_per_s, threads, {{"rounds", std::to_string(rounds)}});
  // Paired ratios (the median of per-rep ratios): the introspection cost as the issue defines
  // it, troupe against raw CAF, and that gap split into troupe's scheduler and its actor layer.
  auto find = [&](const std::string& n) -> impl* {
    for (auto* i : chosen)
      if (i->name == n)
        return i;
    return nullptr;
  };
  for (auto [x, y] :
       {std::pair{"troupe", "troupe-nointrospect"}, std::pair{"troupe", "caf"},
        std::pair{"caf-troupe-scheduler", "caf"}, std::pair{"troupe", "caf-troupe-scheduler"}}) {
    if (auto* a = find(x), *b = find(y); a && b)
      bench::report_paired("pingpong", a->name, b->name, a->msgs_per_s, b->msgs_per_s, threads);
  }
  return 0;
}
