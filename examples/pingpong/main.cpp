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
#include <future>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <troupe/remote.hpp>
#include <troupe/troupe.hpp>

using namespace std::chrono_literals;

namespace {

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using done_atom = caf::atom_constant<caf::atom("done")>;

/// How long one round trip (or the remote spawn) may take before the pinger gives up.
constexpr auto round_timeout = 10s;

/// What the pinger measured.
struct score {
  std::int64_t rounds = 0;
  double seconds = 0;
  double median_rtt_us = 0;
};

/// The pinger's report to `main`: the score or what went wrong, given once.
struct report {
  std::promise<troupe::result<score>> promise;
  bool given = false;

  void give(troupe::result<score> r) {
    if (!std::exchange(given, true))
      promise.set_value(std::move(r));
  }
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
/// against it, tells it that it is done, and reports the score through `out`.
troupe::task<> pinger(troupe::context& self, std::optional<troupe::peer> remote,
                      std::int64_t rounds, std::shared_ptr<report> out) {
  caf::actor other;
  if (remote) {
    auto spawned =
        co_await troupe::spawn_remote(self, *remote, "ponger", round_timeout, self.handle());
    if (!spawned) {
      out->give(spawned.error());
      co_return;
    }
    other = *spawned;
  } else {
    other = troupe::spawn(self, {.name = "ponger"}, ponger, self.handle(), false);
  }
  // A request in flight when the peer's connection breaks gets no answer at all (CAF drops
  // it), so watch the ponger: its end fails the game at once instead of at the timeout.
  self.monitor(other);
  self.set_down_handler([&self, weak = std::weak_ptr<report>{out}](caf::down_msg& down) {
    if (auto r = weak.lock())
      r->give(troupe::error{troupe::errc::unreachable, "the ponger ended before the game did (" +
                                                           self.home_system().render(down.reason) +
                                                           ")"});
    self.quit();
  });
  std::vector<std::int64_t> rtt_ns;
  rtt_ns.reserve(static_cast<std::size_t>(rounds));
  auto start = std::chrono::steady_clock::now();
  for (std::int64_t i = 0; i < rounds; ++i) {
    auto sent = std::chrono::steady_clock::now();
    auto echo =
        co_await troupe::request<std::int64_t>(self, other, round_timeout, ping_atom::value, i);
    if (!echo) {
      out->give(echo.error());
      co_return;
    }
    if (*echo != i) {
      out->give(troupe::error{troupe::errc::wrong_reply_type, "ponger answered ping " +
                                                                  std::to_string(i) + " with " +
                                                                  std::to_string(*echo)});
      co_return;
    }
    rtt_ns.push_back((std::chrono::steady_clock::now() - sent).count());
  }
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  if (auto bye = co_await troupe::request<void>(self, other, round_timeout, done_atom::value);
      !bye) {
    out->give(bye.error());
    co_return;
  }
  score s{rounds, elapsed.count(), 0};
  if (!rtt_ns.empty()) {
    auto mid = rtt_ns.begin() + static_cast<std::ptrdiff_t>(rtt_ns.size() / 2);
    std::nth_element(rtt_ns.begin(), mid, rtt_ns.end());
    s.median_rtt_us = static_cast<double>(*mid) / 1000.0;
  }
  out->give(s);
}

/// Plays against a local ponger or, when `remote` is set, one spawned on the peer node.
int play(troupe::node& n, std::optional<troupe::peer> remote, std::int64_t rounds) {
  auto out = std::make_shared<report>();
  auto result = out->promise.get_future();
  troupe::spawn(n, {.name = "pinger"}, pinger, std::move(remote), rounds, out);
  out.reset(); // the pinger owns the promise: if it dies early, get() throws broken_promise
  auto s = result.get();
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

  // The listener serves the first peer whose pinger asks for a ponger; `served` is set when
  // that ponger ends.
  auto served = std::make_shared<std::promise<void>>();
  auto serving = std::make_shared<std::atomic<bool>>(false);
  cfg.add_actor_type("ponger", troupe::make_factory<caf::actor>(
                                   [served, serving](troupe::context& self, caf::actor pinger) {
                                     bool first = !serving->exchange(true);
                                     if (first) {
                                       self.attach_functor([served](const caf::error& reason) {
                                         if (reason)
                                           std::cout << "peer gone (" << caf::to_string(reason)
                                                     << ")\n";
                                         else
                                           std::cout << "peer done\n";
                                         served->set_value();
                                       });
                                     }
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
      auto done = served->get_future();
      if (serve_timeout_s > 0) {
        auto limit = std::chrono::duration<double>(serve_timeout_s);
        if (done.wait_for(limit) != std::future_status::ready) {
          std::cerr << "pingpong: --serve-timeout: no peer finished playing within "
                    << serve_timeout_s << " s\n";
          return 1;
        }
      } else {
        done.wait();
      }
      return 0;
    }
    return play(n, std::nullopt, rounds);
  });
}
