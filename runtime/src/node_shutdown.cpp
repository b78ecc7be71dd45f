// Ending a node: every troupe actor, then the actor system, within --shutdown-timeout.
//
// Troupe actors are asked to exit, and those spawned meanwhile (by dying ones) too; the node
// waits for them on an event (registry::wait_for_removal), then for the CAF actors it did not make
// (CAF 0.17 offers only an untimed wait for those: polled here, with backoff). What is still
// running at the deadline is named on stderr, and the process ends (exit code 3): CAF 0.17
// cannot destroy an actor system while actors run. Its destructor waits for them (for ever,
// if one ignores exit messages); told not to (`await_actors_before_shutdown(false)`), it still
// joins workers busy in a chunk or handler that does not return and detached actors' threads,
// and an actor that outlives it crashes when its last handle goes (its cleanup calls into the
// destroyed system). Ending the process is the one bounded outcome.
#include <troupe/node.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <thread>
#include <unordered_set>

#include <caf/io/middleman.hpp>

#include <troupe/remote.hpp>

#include "internal/monitor.hpp"
#include "internal/node_state.hpp"

namespace troupe {

namespace {

using clock = std::chrono::steady_clock;

/// The exit code of a process whose node could not stop its actor system.
constexpr int stuck_exit_code = 3;

// Asks every troupe actor to exit, and each one spawned later (by a dying actor) as soon as it
// appears; returns whether none is left by `deadline`. Wakes on each removal, but scans the
// registry again only when its size says that an actor not yet asked may be there.
bool end_troupe_actors(detail::registry& actors, clock::time_point deadline) {
  actors.watch();
  std::unordered_set<caf::actor_id> asked;
  for (;;) {
    auto before_scan = actors.removals();
    auto live = actors.addresses();
    if (live.empty())
      return true;
    for (auto& addr : live)
      if (asked.insert(addr.id()).second)
        caf::anon_send_exit(addr, caf::exit_reason::user_shutdown);
    // Those not removed since the scan are still registered; more registered actors than
    // that means new ones (or a removal that straddled the scan: one more scan, harmless).
    for (auto seen = before_scan;;) {
      seen = actors.wait_for_removal(seen, deadline);
      auto left = actors.size();
      if (left == 0)
        return true;
      if (left + (seen - before_scan) > live.size())
        break;
      if (clock::now() >= deadline)
        return false;
    }
  }
}

// Waits for CAF's running-actor count to drop to `expected` by `deadline`.
bool await_running(caf::actor_system& sys, std::size_t expected, clock::time_point deadline) {
  auto pause = std::chrono::microseconds{100};
  while (sys.registry().running() > expected) {
    auto now = clock::now();
    if (now >= deadline)
      return false;
    std::this_thread::sleep_for(std::min<clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::microseconds{20'000});
  }
  return true;
}

std::string seconds(clock::duration d) {
  std::ostringstream out;
  out << std::chrono::duration<double>(d).count() << " s";
  return out.str();
}

// "a reply from actor 12", "kernel 'stencil' (3 of 8 chunks done)", ...
std::string describe(const await_info& a) {
  switch (a.what) {
    case await_info::kind::reply:
      return "a reply from actor " + std::to_string(a.peer);
    case await_info::kind::receive:
      return "a message of types (" + a.types + ")";
    case await_info::kind::timer:
      return "a timer";
    case await_info::kind::kernel:
      return "kernel '" + a.kernel + "' (" + std::to_string(a.chunks_done) + " of " +
             std::to_string(a.chunks_total) + " chunks done)";
  }
  return "?";
}

// Names on stderr what is still running when the node stops waiting.
void report_stragglers(const std::string& program, const snapshot& snap, std::size_t others,
                       clock::duration waited) {
  std::ostringstream out;
  out << program << ": shutdown: gave up waiting for actors after " << seconds(waited)
      << " (--shutdown-timeout); still running:\n";
  std::vector<std::string> kernels;
  for (auto& a : snap.actors) {
    out << program << ":   troupe actor '" << a.name << "' (id " << a.id << ", " << a.type << ", "
        << to_string(a.current) << ")";
    for (std::size_t i = 0; i < a.awaits.size(); ++i) {
      out << (i == 0 ? " awaiting " : ", ") << describe(a.awaits[i]);
      if (a.awaits[i].what == await_info::kind::kernel)
        kernels.push_back(describe(a.awaits[i]));
    }
    out << "\n";
  }
  if (others > 0)
    out << program << ":   " << others << " CAF actor" << (others == 1 ? "" : "s")
        << " not made by troupe (ignoring exit messages, or nothing asked "
        << (others == 1 ? "it" : "them") << " to end)\n";
  if (!kernels.empty()) {
    out << program << ":   kernels still running:";
    for (std::size_t i = 0; i < kernels.size(); ++i)
      out << (i == 0 ? " " : ", ") << kernels[i];
    out << "\n";
  }
  std::cerr << out.str() << std::flush;
}

// Ends the process: the actor system cannot be destroyed while actors run (see the top).
[[noreturn]] void end_process(const std::string& program) {
  std::cerr << program << ": shutdown: ending the process with exit code " << stuck_exit_code
            << " rather than hang (an actor system cannot end while its actors run)" << std::endl;
  std::fflush(nullptr);
  std::_Exit(stuck_exit_code);
}

} // namespace

void node::shutdown() {
  if (!state_ || !state_->sys)
    return;
  auto& st = *state_;
  auto& sys = *st.sys;
  detail::untrack_for_signals(st);
  detail::say_goodbye(st);
  detail::monitor::stop_monitor(st);
  if (st.bound)
    sys.middleman().close(st.bound->port);
  sys.registry().erase(spawner_name);
  st.spawner = nullptr;
  st.joined.reset();
  auto timeout = std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double>(st.cfg->shutdown_timeout_s));
  auto deadline = clock::now() + timeout;
  // Suspended coroutines never finish by themselves: troupe actors are told to end. CAF
  // actors the node did not make end by themselves, or the node gives up on them.
  bool ended = end_troupe_actors(st.actors, deadline) && await_running(sys, 0, deadline);
  if (!ended) {
    auto stuck = snapshot();
    auto running = sys.registry().running();
    auto others = running > stuck.actors.size() ? running - stuck.actors.size() : 0;
    report_stragglers(st.cfg->program, stuck, others, timeout);
    end_process(st.cfg->program);
  }
  st.sys.reset();
  state_.reset();
}

} // namespace troupe
