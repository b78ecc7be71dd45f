// pingpong: two actors bounce a counter; msgs/s. troupe (behaviors, introspection on and off),
// troupe-receive (coroutines awaiting `receive`), raw CAF event-based actors with one worker per
// core (caf) and with troupe's scheduler settings (caf-tuned), alternated A B C D ... per rep.
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
#include "common/systems.hpp"

namespace {

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using pong_atom = caf::atom_constant<caf::atom("pong")>;

/// One game: the pinger counts pongs; the clock runs from pong `warmup` to pong
/// `warmup + rounds`, each round being two messages.
struct game {
  std::int64_t warmup;
  std::int64_t rounds;
  bench::clock::time_point start;
  std::promise<double> seconds;

  /// Returns true when the game is over.
  bool on_pong(std::int64_t n) {
    if (n == warmup)
      start = bench::clock::now();
    if (n < warmup + rounds)
      return false;
    seconds.set_value(bench::seconds_since(start));
    return true;
  }
};

// -- raw CAF, as CAF's own ping-pong example writes it ---------------------------------------

caf::behavior caf_ponger(caf::event_based_actor*) {
  return {[](ping_atom, std::int64_t n) { return std::make_tuple(pong_atom::value, n); }};
}

caf::behavior caf_pinger(caf::event_based_actor* self, caf::actor ponger, std::shared_ptr<game> g) {
  self->send(ponger, ping_atom::value, std::int64_t{0});
  return {[=](pong_atom, std::int64_t n) {
    if (g->on_pong(n))
      self->quit();
    else
      self->send(ponger, ping_atom::value, n + 1);
  }};
}

// -- troupe: the same protocol with troupe behaviors ---------------------------------------------

troupe::behavior troupe_ponger(troupe::context&) {
  return {[](ping_atom, std::int64_t n) { return std::make_tuple(pong_atom::value, n); }};
}

troupe::behavior troupe_pinger(troupe::context& self, caf::actor ponger, std::shared_ptr<game> g) {
  self.send(ponger, ping_atom::value, std::int64_t{0});
  return {[&self, ponger, g](pong_atom, std::int64_t n) {
    if (g->on_pong(n))
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

troupe::task<> receive_pinger(troupe::context& self, caf::actor ponger, std::shared_ptr<game> g) {
  for (std::int64_t n = 0;; ++n) {
    self.send(ponger, ping_atom::value, n);
    auto [pong, m] = co_await troupe::receive<pong_atom, std::int64_t>(self);
    if (g->on_pong(m))
      co_return;
  }
}

double play_caf(unsigned threads, bool tuned, std::int64_t warmup, std::int64_t rounds) {
  bench::caf_system s{threads, tuned};
  auto g = std::make_shared<game>(game{warmup, rounds, {}, {}});
  auto result = g->seconds.get_future();
  auto ponger = s.sys().spawn(caf_ponger);
  s.sys().spawn(caf_pinger, ponger, g);
  auto secs = result.get();
  caf::anon_send_exit(ponger, caf::exit_reason::user_shutdown);
  return secs;
}

double play_troupe(unsigned threads, bool introspection, bool coroutines, std::int64_t warmup,
                   std::int64_t rounds) {
  bench::troupe_system s{bench::troupe_args(threads, introspection)};
  auto g = std::make_shared<game>(game{warmup, rounds, {}, {}});
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
  bench::options opt{argc, argv, {"reps", "rounds", "warmup", "threads", "impls"}};
  auto reps = opt.get("reps", 9LL);
  auto rounds = opt.get("rounds", 200000LL);
  auto warmup = opt.get("warmup", 20000LL);
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  auto impls = bench::impl_list(opt, "troupe,troupe-nointrospect,caf,caf-tuned,troupe-receive");

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

  for (auto* i : chosen)
    bench::report("pingpong", i->name, "msgs_per_s", i->msgs_per_s, threads,
                  {{"rounds", std::to_string(rounds)}});
  // The introspection cost as the issue defines it: the median of per-rep paired ratios.
  auto find = [&](const std::string& n) -> impl* {
    for (auto* i : chosen)
      if (i->name == n)
        return i;
    return nullptr;
  };
  if (auto* a = find("troupe"), *b = find("troupe-nointrospect"); a && b) {
    std::vector<double> ratios;
    for (std::size_t k = 0; k < a->msgs_per_s.size(); ++k)
      ratios.push_back(a->msgs_per_s[k] / b->msgs_per_s[k]);
    bench::report("pingpong", "troupe/troupe-nointrospect", "paired_ratio", ratios, threads);
  }
  if (auto* a = find("troupe"), *b = find("caf"); a && b) {
    std::vector<double> ratios;
    for (std::size_t k = 0; k < a->msgs_per_s.size(); ++k)
      ratios.push_back(a->msgs_per_s[k] / b->msgs_per_s[k]);
    bench::report("pingpong", "troupe/caf", "paired_ratio", ratios, threads);
  }
  return 0;
}
