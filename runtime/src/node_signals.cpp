// SIGTERM and SIGINT end a node cleanly for the cluster: before the process ends as the signal
// says, every live node of the process tells its members that it leaves, so that they report
// it as left, not down. Installed only where the program left those signals' default action.
#include <troupe/node.hpp>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

#include "internal/node_state.hpp"

namespace troupe::detail {

namespace {

int signal_pipe[2] = {-1, -1};

std::mutex& nodes_mtx() {
  static std::mutex m;
  return m;
}

std::vector<node_state*>& live_nodes() {
  static std::vector<node_state*> v;
  return v;
}

extern "C" void on_ending_signal(int sig) {
  auto byte = static_cast<unsigned char>(sig);
  // Nothing else is async-signal-safe here; the watcher thread does the rest.
  [[maybe_unused]] auto n = ::write(signal_pipe[1], &byte, 1);
}

void watch_signals() {
  for (;;) {
    unsigned char sig = 0;
    auto n = ::read(signal_pipe[0], &sig, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n != 1)
      return;
    {
      std::lock_guard<std::mutex> guard{nodes_mtx()};
      for (auto* st : live_nodes())
        say_goodbye(*st);
    }
    // The process now ends as the signal asks.
    std::signal(sig, SIG_DFL);
    ::raise(sig);
  }
}

void install_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (::pipe2(signal_pipe, O_CLOEXEC) != 0)
      return;
    bool any = false;
    for (int sig : {SIGTERM, SIGINT}) {
      struct sigaction old {};
      if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL ||
          (old.sa_flags & SA_SIGINFO) != 0)
        continue; // the program handles it
      struct sigaction act {};
      act.sa_handler = on_ending_signal;
      sigemptyset(&act.sa_mask);
      act.sa_flags = SA_RESTART;
      any = ::sigaction(sig, &act, nullptr) == 0 || any;
    }
    if (any)
      std::thread{watch_signals}.detach();
  });
}

} // namespace

void track_for_signals(node_state& st) {
  install_once();
  std::lock_guard<std::mutex> guard{nodes_mtx()};
  live_nodes().push_back(&st);
}

void untrack_for_signals(node_state& st) {
  std::lock_guard<std::mutex> guard{nodes_mtx()};
  std::erase(live_nodes(), &st);
}

} // namespace troupe::detail
