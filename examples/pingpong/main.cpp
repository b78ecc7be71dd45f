// pingpong: a coroutine pinger plays round trips against a ponger, in one process or across two.
//
//   pingpong [--rounds N]                        both actors here; prints msgs/s
//   pingpong --listen 127.0.0.1:4242             serves one peer its ponger, exits when it is done
//   pingpong --join 127.0.0.1:4242 [--rounds N]  plays against the listener's ponger; prints
//                                                msgs/s and the median round trip
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <troupe/remote.hpp>
#include <troupe/troupe.hpp>

using namespace std::chrono_literals;

namespace {

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using done_atom = caf::atom_constant<caf::atom("done")>;
using first_atom = caf::atom_constant<caf::atom("first")>;

/// Names in CAF's registry: the listener's host, and the first ponger it serves.
constexpr caf::atom_value host_name = caf::atom("pp_host");
constexpr caf::atom_value first_ponger_name = caf::atom("pp_first");

/// How long one round trip (or the remote spawn) may take before the pinger gives up.
constexpr auto round_timeout = 10s;

/// What the pinger measured.
struct score {
  std::int64_t rounds = 0;
  double seconds = 0;
  double median_rtt_us = 0;
};

/// Answers each ping with its number; ends when its pinger says it is done or goes down (its
/// process ended or the connection broke), so a listening node learns that its peer is gone.
/// With `announce`, prints "serving a peer" when the first ping arrives.
troupe::behavior ponger(troupe::context& self, caf::actor pinger, bool announce) {
  self.monitor(pinger);
  self.set_down_handler([&self](caf::down_msg& down) {
    // A pinger that ended normally said "done" first; anything else is a lost peer.
    self.quit(down.reason);
  });
  return {
      [announce](ping_atom, std::int64_t n) {
        if (n == 0 && announce)
          std::cout << "serving a peer" << std::endl;
        return n;
      },
      [&self](done_atom) { self.quit(); },
  };
}

/// Starts a ponger (here, or on `remote` by its registered name), plays `rounds` round trips
/// against it, tells it that it is done, and returns the score or what went wrong.
troupe::task<troupe::result<score>>
pinger(troupe::context& self, std::optional<troupe::peer> remote, std::int64_t rounds) {
  caf::actor other;
  if (remote) {
    auto spawned =
        co_await troupe::spawn_remote(self, *remote, "ponger", round_timeout, self.handle());
    if (!spawned)
      co_return spawned.error();
    other = *spawned;
  } else {
    other = troupe::spawn(self, {.name = "ponger"}, ponger, self.handle(), false);
  }
  // A request in flight when the peer's connection breaks gets no answer at all (CAF drops
  // it), so watch the ponger: its end fails the game at once instead of at the timeout (the
  // exception ends this actor, and main gets its text).
  self.monitor(other);
  self.set_down_handler([&self](caf::down_msg& down) {
    throw std::runtime_error("the ponger ended before the game did (" +
                             self.home_system().render(down.reason) + ")");
  });
  std::vector<std::int64_t> rtt_ns;
  rtt_ns.reserve(static_cast<std::size_t>(rounds));
  auto start = std::chrono::steady_clock::now();
  for (std::int64_t i = 0; i < rounds; ++i) {
    auto sent = std::chrono::steady_clock::now();
    auto echo =
        co_await troupe::request<std::int64_t>(self, other, round_timeout, ping_atom::value, i);
    if (!echo)
      co_return echo.error();
    if (*echo != i)
      co_return troupe::error{troupe::errc::wrong_reply_type, "ponger answered ping " +
                                                                  std::to_string(i) + " with " +
                                                                  std::to_string(*echo)};
    rtt_ns.push_back((std::chrono::steady_clock::now() - sent).count());
  }
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  if (auto bye = co_await troupe::request<void>(self, other, round_timeout, done_atom::value); !bye)
    co_return bye.error();
  score s{rounds, elapsed.count(), 0};
  if (!rtt_ns.empty()) {
    auto mid = rtt_ns.begin() + static_cast<std::ptrdiff_t>(rtt_ns.size() / 2);
    std::nth_element(rtt_ns.begin(), mid, rtt_ns.end());
    s.median_rtt_us = static_cast<double>(*mid) / 1000.0;
  }
  co_return s;
}

/// Plays against a local ponger or, when `remote` is set, one spawned on the peer node.
int play(troupe::node& n, std::optional<troupe::peer> remote, std::int64_t rounds) {
  auto game = troupe::launch(n, {.name = "pinger"}, pinger, std::move(remote), rounds);
  auto played = game.get(); // the score, or what went wrong, or the exception that ended it
  auto s = played ? std::move(*played) : troupe::result<score>{played.error()};
  if (!s) {
    std::cerr << "pingpong: " << s.error().message() << "\n";
    return 1;
  }
  auto msgs_per_s = s->seconds > 0 ? 2.0 * static_cast<double>(s->rounds) / s->seconds : 0.0;
  std::cout << "rounds: " << s->rounds << "\n"
            << "msgs/s: " << static_cast<std::int64_t>(msgs_per_s) << "\n"
            << "median round trip: " << s->median_rtt_us << " us\n";
  return 0;
}

/// The listener's wait for its first peer's ponger: the ponger factory announces it, and this
/// actor may start before or after that. Each side registers itself in CAF's registry, then
/// looks for the other, so at least one of them finds the other.
troupe::task<caf::actor> host(troupe::context& self, troupe::duration limit) {
  auto& registry = self.home_system().registry();
  registry.put(host_name, caf::actor_cast<caf::strong_actor_ptr>(self.handle()));
  if (auto early = registry.get(first_ponger_name))
    co_return caf::actor_cast<caf::actor>(early);
  auto announced = co_await troupe::receive<first_atom, caf::actor>(self, limit);
  co_return std::get<1>(announced.value());
}

/// The first ponger tells the host that it exists (see `host`).
void announce_first(troupe::context& ponger) {
  auto& registry = ponger.home_system().registry();
  registry.put(first_ponger_name, caf::actor_cast<caf::strong_actor_ptr>(ponger.handle()));
  if (auto h = registry.get(host_name))
    ponger.send(caf::actor_cast<caf::actor>(h), first_atom::value, ponger.handle());
}

/// Serves the first peer's pinger; returns when its ponger ended, or after `limit`.
int serve(troupe::node& n, troupe::duration limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  auto first = troupe::launch(n, {.name = "host"}, host, limit).get(limit);
  if (!first) {
    std::cerr << "pingpong: --serve-timeout: no peer finished playing within "
              << std::chrono::duration<double>(limit).count() << " s\n";
    return 1;
  }
  auto left = limit == troupe::infinite ? limit : deadline - std::chrono::steady_clock::now();
  auto ended = n.wait(*first, left);
  if (!ended && ended.error() == troupe::errc::timeout) {
    std::cerr << "pingpong: --serve-timeout: no peer finished playing within "
              << std::chrono::duration<double>(limit).count() << " s\n";
    return 1;
  }
  if (ended)
    std::cout << "peer done" << std::endl;
  else
    std::cout << "peer gone (" << ended.error().message() << ")" << std::endl;
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  troupe::node_config cfg{"pingpong",
                          "Plays ping-pong between a coroutine pinger and a ponger, in this "
                          "process or\nagainst the ponger of a node started with --listen."};
  std::int64_t rounds = 10000;
  double serve_timeout_s = 0;
  cfg.option(rounds, "rounds", "round trips to play");
  cfg.option(serve_timeout_s, "serve-timeout",
             "with --listen: give up when no peer is done after this many seconds "
             "(default 0: wait for ever)");
  // Notice a peer that froze or vanished without closing its connection within ~2.5 s
  // (CAF's defaults never do); --middleman.* flags override these.
  cfg.set("middleman.heartbeat-interval", caf::timespan{500ms});
  cfg.set("middleman.connection-timeout", caf::timespan{2s});

  // The listener serves the first peer whose pinger asks for a ponger; that ponger tells
  // the listener's host that it exists.
  auto serving = std::make_shared<std::atomic<bool>>(false);
  cfg.add_actor_type("ponger", troupe::make_factory<caf::actor>(
                                   [serving](troupe::context& self, caf::actor pinger) {
                                     bool first = !serving->exchange(true);
                                     if (first)
                                       announce_first(self);
                                     return ponger(self, std::move(pinger), first);
                                   },
                                   "ponger"));

  return troupe::run(cfg, argc, argv, [&](troupe::node& n) -> int {
    if (rounds < 1) {
      std::cerr << "pingpong: --rounds must be at least 1 (got " << rounds << ")\n";
      return 2;
    }
    if (n.joined())
      return play(n, *n.joined(), rounds);
    if (n.listening()) {
      auto limit = serve_timeout_s > 0 ? std::chrono::duration_cast<troupe::duration>(
                                             std::chrono::duration<double>(serve_timeout_s))
                                       : troupe::infinite;
      return serve(n, limit);
    }
    return play(n, std::nullopt, rounds);
  });
}
