// Defaults troupe gives CAF's scheduler and network keys (keys the user gave win).
#include <troupe/node_config.hpp>

#include <limits>

#include <caf/settings.hpp>

namespace troupe {

void node_config::apply_scheduler_settings() {
  set("scheduler.max-threads", threads);
  // Keys the user gave (command line, config file) win over the defaults below.
  if (latency_mode) {
    // Idle workers never sleep: lowest wake-up latency, at the price of busy idle cores.
    caf::put_missing(content, "work-stealing.aggressive-poll-attempts",
                     std::numeric_limits<int>::max() / 2);
  } else {
    // An idle worker first polls its queue 100 times and tries to steal every 10th poll (CAF's
    // aggressive phase): a burst of work queued on another worker (fan-out, skynet) is taken
    // at once. Then it spins 2000 more polls on its own queue, trying to steal only every
    // 1000th (tens of µs): a thread that feeds it from outside (spawns from main, the
    // middleman) rarely finds it blocked, which would cost a futex wake per job, and it does
    // not keep pulling the one runnable actor of a busy worker over to its own cache (ping-pong
    // and request/reply between two actors lost 20% to that with 2000 polls stealing every
    // 10th). CAF's middle phase sleeps 50 µs between polls instead; here it does not sleep,
    // but yields the core every 64th poll (detail::stealing::dequeue), so that main spawning
    // actors or the middleman, sharing a core with a polling worker, runs at once.
    caf::put_missing(content, "work-stealing.moderate-poll-attempts", 2000);
    caf::put_missing(content, "work-stealing.moderate-steal-interval", 1000);
    caf::put_missing(content, "work-stealing.moderate-sleep-duration", caf::timespan{0});
  }
  // Then it blocks on its condition variable, which an external enqueue (middleman, timer,
  // kernel launch) signals at once. CAF's middle phase slept 50 µs between polls: a wake-up
  // arriving in it waited up to a whole sleep (remote round trip ≈ 0.3–0.6× raw CAF's without
  // it), and a node woken by a 1 ms timer used 27% of a core instead of ≈ 4% (docs/PERFORMANCE.md).
  // Work that a running worker enqueues for itself (actors woken by its messages) wakes no
  // blocked worker; a blocked worker looks for some to steal every 2 ms instead of CAF's
  // 10 ms, so a fan-out burst reaches the idle cores (idle node: ~1.5% of a core vs 0.5%).
  caf::put_missing(content, "work-stealing.relaxed-sleep-duration",
                   caf::timespan{std::chrono::milliseconds{2}});
}

void node_config::apply_network_settings() {
  // CAF 0.17 sends no heartbeats by default, so a frozen peer (stopped process, dead link)
  // is never noticed. Beat every 500 ms and drop a connection silent for 2 s: a frozen or cut
  // off node is reported down within 2.5 s (CAF checks at each beat), and the beats and the
  // check run on the middleman's thread, not on the pool, so busy workers do not delay them
  // (docs/PERFORMANCE.md, failure_detect). Keys the user gave win.
  using namespace std::chrono_literals;
  caf::put_missing(content, "middleman.heartbeat-interval", caf::timespan{500ms});
  caf::put_missing(content, "middleman.connection-timeout", caf::timespan{2s});
}

} // namespace troupe
