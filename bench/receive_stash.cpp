// receive_stash: the cost of a selective receive when many early messages wait beside it.
// A receiver answers `rounds` ints, each taken with a receive, from a driver that waits for
// each answer (a halo exchange's rhythm); before the first, `--stashed` messages of another
// type arrive that nothing receives yet. Metric: microseconds per receive round trip.
// troupe / troupe-stash<k>: `co_await troupe::receive<int>` with an empty stash and with k
// kept messages (the goal: the ratio stays <= 1.5); caf / caf-skip<k>: raw CAF with
// the early messages skipped by the default handler (CAF's selective receive, which re-offers
// every skipped message after each consumed one).
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

using early_atom = caf::atom_constant<caf::atom("early")>;

troupe::task<> troupe_receiver(troupe::context& self, std::int64_t total) {
  for (std::int64_t i = 0; i < total; ++i) {
    auto n = co_await troupe::receive<std::int64_t>(self);
    self.send(caf::actor_cast<caf::actor>(self.last_sender()), n);
  }
}

troupe::task<> troupe_driver(troupe::context& self, caf::actor receiver, std::int64_t stashed,
                             std::shared_ptr<bench::game> g) {
  for (std::int64_t i = 0; i < stashed; ++i)
    self.send(receiver, early_atom::value, i);
  for (std::int64_t n = 0;; ++n) {
    self.send(receiver, n);
    auto back = co_await troupe::receive<std::int64_t>(self);
    if (g->on_round(back))
      co_return;
  }
}

double play_troupe(unsigned threads, std::int64_t stashed, std::int64_t warmup,
                   std::int64_t rounds) {
  bench::troupe_system s{bench::troupe_args(threads)};
  auto g = std::make_shared<bench::game>(bench::game{warmup, rounds, {}, {}});
  auto result = g->seconds.get_future();
  auto receiver = troupe::spawn(*s.node, troupe_receiver, warmup + rounds + 1);
  troupe::spawn(*s.node, troupe_driver, receiver, stashed, g);
  return result.get();
}

caf::behavior caf_receiver(caf::event_based_actor* self) {
  self->set_default_handler(caf::skip);
  return {
      [=](std::int64_t n) { self->send(caf::actor_cast<caf::actor>(self->current_sender()), n); }};
}

caf::behavior caf_driver(caf::event_based_actor* self, caf::actor receiver, std::int64_t stashed,
                         std::shared_ptr<bench::game> g) {
  for (std::int64_t i = 0; i < stashed; ++i)
    self->send(receiver, early_atom::value, i);
  self->send(receiver, std::int64_t{0});
  return {[=](std::int64_t back) {
    if (g->on_round(back)) {
      self->send_exit(receiver, caf::exit_reason::user_shutdown);
      self->quit();
    } else {
      self->send(receiver, back + 1);
    }
  }};
}

double play_caf(unsigned threads, std::int64_t stashed, std::int64_t warmup, std::int64_t rounds) {
  bench::caf_system s{threads, false};
  auto g = std::make_shared<bench::game>(bench::game{warmup, rounds, {}, {}});
  auto result = g->seconds.get_future();
  auto receiver = s.sys().spawn(caf_receiver);
  s.sys().spawn(caf_driver, receiver, stashed, g);
  return result.get();
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, {"reps", "rounds", "warmup", "threads", "stashed", "impls"}};
  auto reps = opt.get("reps", 7LL);
  auto rounds = opt.get("rounds", 20000LL);
  auto warmup = opt.get("warmup", 2000LL);
  auto stashed = opt.get("stashed", 1000LL);
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  auto k = std::to_string(stashed);
  auto impls = bench::impl_list(opt, "troupe,troupe-stash" + k + ",caf,caf-skip" + k);

  struct impl {
    std::string name;
    std::function<double()> play;
    std::vector<double> us;
  };
  std::vector<impl> all{
      {"troupe", [&] { return play_troupe(threads, 0, warmup, rounds); }, {}},
      {"troupe-stash" + k, [&] { return play_troupe(threads, stashed, warmup, rounds); }, {}},
      {"caf", [&] { return play_caf(threads, 0, warmup, rounds); }, {}},
      {"caf-skip" + k, [&] { return play_caf(threads, stashed, warmup, rounds); }, {}},
  };
  std::vector<impl*> chosen;
  for (auto& i : all)
    if (impls.count(i.name) != 0)
      chosen.push_back(&i);
  for (auto* i : chosen)
    i->play();
  for (long long r = 0; r < reps; ++r)
    for (auto* i : chosen)
      i->us.push_back(i->play() * 1e6 / static_cast<double>(rounds));
  for (auto* i : chosen)
    bench::report("receive_stash", i->name, "latency_us", i->us, threads,
                  {{"rounds", std::to_string(rounds)},
                   {"stashed", i->name.find(k) != std::string::npos ? k : "0"}});
  return 0;
}
