// skynet: a 10-ary tree of actors, 1,111,111 of them for 1,000,000 leaves; each leaf sends its
// number to its parent, each inner actor sums its children's and sends the sum up; seconds
// from spawning the root to the total. troupe: coroutine actors awaiting `receive`; caf: raw
// CAF stateful actors, as in the skynet suite. Each rep is a fresh process, alternated A B.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include <troupe/troupe.hpp>

#include "common/bench.hpp"
#include "common/process.hpp"
#include "common/systems.hpp"

namespace {

troupe::task<> troupe_skynet(troupe::context& self, caf::actor parent, std::int64_t num,
                             std::int64_t size, std::int64_t div) {
  if (size == 1) {
    self.send(parent, num);
    co_return;
  }
  auto sub = size / div;
  for (std::int64_t i = 0; i < div; ++i)
    troupe::spawn(self, troupe_skynet, self.handle(), num + i * sub, sub, div);
  std::int64_t sum = 0;
  for (std::int64_t i = 0; i < div; ++i)
    sum += co_await troupe::receive<std::int64_t>(self);
  self.send(parent, sum);
}

struct skynet_state {
  std::int64_t sum = 0;
  std::int64_t pending = 0;
};

caf::behavior caf_skynet(caf::stateful_actor<skynet_state>* self, caf::actor parent,
                         std::int64_t num, std::int64_t size, std::int64_t div) {
  if (size == 1) {
    self->send(parent, num);
    self->quit();
    return {};
  }
  auto sub = size / div;
  self->state.pending = div;
  for (std::int64_t i = 0; i < div; ++i)
    self->spawn(caf_skynet, caf::actor_cast<caf::actor>(self), num + i * sub, sub, div);
  return {[=](std::int64_t x) {
    self->state.sum += x;
    if (--self->state.pending == 0) {
      self->send(parent, self->state.sum);
      self->quit();
    }
  }};
}

/// Spawns the root from a scoped actor and waits for its sum; returns seconds.
template <class Spawn>
double run(caf::actor_system& sys, std::int64_t leaves, Spawn spawn_root) {
  caf::scoped_actor self{sys};
  auto t0 = bench::clock::now();
  spawn_root(caf::actor_cast<caf::actor>(self));
  std::int64_t total = -1;
  self->receive([&](std::int64_t x) { total = x; });
  auto secs = bench::seconds_since(t0);
  if (total != leaves * (leaves - 1) / 2) {
    std::fprintf(stderr, "skynet: wrong sum %lld\n", static_cast<long long>(total));
    std::_Exit(1);
  }
  return secs;
}

[[noreturn]] void one_rep(const std::string& impl, std::int64_t leaves, unsigned threads) {
  double secs = 0;
  if (impl == "caf" || impl == "caf-tuned") {
    bench::caf_system s{threads, impl == "caf-tuned"};
    secs = run(s.sys(), leaves, [&](caf::actor parent) {
      s.sys().spawn(caf_skynet, parent, std::int64_t{0}, leaves, std::int64_t{10});
    });
  } else {
    bench::troupe_system s{bench::troupe_args(threads, impl != "troupe-nointrospect")};
    secs = run(s.sys(), leaves, [&](caf::actor parent) {
      troupe::spawn(*s.node, troupe_skynet, parent, std::int64_t{0}, leaves, std::int64_t{10});
    });
  }
  std::printf("%.6f\n", secs);
  std::fflush(stdout);
  std::_Exit(0);
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc, argv, {"reps", "leaves", "threads", "impls", "child"}};
  auto leaves = opt.get("leaves", 1000000LL);
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  if (opt.has("child"))
    one_rep(opt.get("child", std::string{}), leaves, threads);
  auto reps = opt.get("reps", 5LL);
  auto impls = bench::impl_list(opt, "troupe,caf,troupe-nointrospect");
  std::vector<std::string> order;
  for (auto name : {"troupe", "caf", "caf-tuned", "troupe-nointrospect"})
    if (impls.count(name) != 0)
      order.emplace_back(name);

  std::vector<std::vector<double>> secs(order.size());
  for (long long r = -1; r < reps; ++r)
    for (std::size_t k = 0; k < order.size(); ++k) {
      auto line = bench::run_child({"--child", order[k], "--leaves", std::to_string(leaves),
                                    "--threads", std::to_string(threads)});
      if (r >= 0)
        secs[k].push_back(std::stod(line));
    }
  std::int64_t actors = 0;
  for (std::int64_t level = 1; level <= leaves; level *= 10)
    actors += level;
  for (std::size_t k = 0; k < order.size(); ++k)
    bench::report("skynet", order[k], "seconds", secs[k], threads,
                  {{"actors", std::to_string(actors)}});
  return 0;
}
