/// @file
/// Two network namespaces joined by a veth pair, for benchmarks of a network partition (the
/// link set down). Needs root and ip(8). The namespaces (and with them the veth pair) are
/// removed when the pair is destroyed, when the benchmark exits, and when a signal (SIGINT,
/// SIGTERM, SIGHUP, SIGALRM) ends it: traffic stays inside namespaces the benchmark made, and
/// none is left behind.
#pragma once

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bench {

class veth_pair {
public:
  /// Why a pair cannot be made on this machine (not root, no ip(8)); empty when it can.
  static std::string unavailable() {
    if (::geteuid() != 0)
      return "needs root (it makes network namespaces; run it as root, e.g. under sudo)";
    if (::access(ip_path, X_OK) != 0)
      return std::string{"needs ip(8) at "} + ip_path + " (apt install iproute2)";
    return {};
  }

  /// Makes namespaces TAGa and TAGb, joined by a veth pair TAGav (10.202.X.1/30 in TAGa) and
  /// TAGbv (10.202.X.2/30 in TAGb), both up. Exits the benchmark, cleaned up, when a step
  /// fails. One pair at a time.
  explicit veth_pair(const std::string& tag)
    : a_(tag + "a")
    , b_(tag + "b") {
    auto x = std::to_string(::getpid() % 250 + 1);
    ip_a_ = "10.202." + x + ".1";
    ip_b_ = "10.202." + x + ".2";
    std::snprintf(names_[0], sizeof names_[0], "%s", a_.c_str());
    std::snprintf(names_[1], sizeof names_[1], "%s", b_.c_str());
    remove_namespaces();
    armed_ = 1;
    std::atexit(cleanup);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGALRM})
      std::signal(sig, on_signal);
    ip({"netns", "add", a_});
    ip({"netns", "add", b_});
    ip({"link", "add", a_ + "v", "type", "veth", "peer", "name", b_ + "v"});
    ip({"link", "set", a_ + "v", "netns", a_});
    ip({"link", "set", b_ + "v", "netns", b_});
    ip({"-n", a_, "addr", "add", ip_a_ + "/30", "dev", a_ + "v"});
    ip({"-n", b_, "addr", "add", ip_b_ + "/30", "dev", b_ + "v"});
    for (auto& ns : {a_, b_}) {
      ip({"-n", ns, "link", "set", "lo", "up"});
      ip({"-n", ns, "link", "set", ns + "v", "up"});
    }
  }

  veth_pair(const veth_pair&) = delete;
  veth_pair& operator=(const veth_pair&) = delete;

  ~veth_pair() {
    cleanup();
  }

  /// Sets the link up or down (at the first namespace's end; the peer loses its carrier).
  void set_link(bool up) {
    ip({"-n", a_, "link", "set", a_ + "v", up ? "up" : "down"});
  }

  [[nodiscard]] const std::string& ns_a() const noexcept {
    return a_;
  }
  [[nodiscard]] const std::string& ns_b() const noexcept {
    return b_;
  }
  [[nodiscard]] const std::string& ip_a() const noexcept {
    return ip_a_;
  }
  [[nodiscard]] const std::string& ip_b() const noexcept {
    return ip_b_;
  }

private:
  static constexpr const char* ip_path = "/usr/sbin/ip";

  // Runs ip(8) with `args`; exits the benchmark (atexit removes the namespaces) if it fails.
  static void ip(std::vector<std::string> args) {
    std::vector<char*> argv{const_cast<char*>("ip")};
    for (auto& s : args)
      argv.push_back(s.data());
    argv.push_back(nullptr);
    if (run(argv.data()) != 0) {
      std::string cmd = "ip";
      for (auto& s : args)
        cmd += " " + s;
      std::fprintf(stderr, "bench: '%s' failed\n", cmd.c_str());
      std::exit(2);
    }
  }

  // fork, execv and waitpid only: also called from a signal handler.
  static int run(char* const* argv, bool quiet = false) {
    pid_t pid = ::fork();
    if (pid == 0) {
      if (quiet) {
        int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
      }
      ::execv(ip_path, argv);
      ::_exit(127);
    }
    int status = 0;
    while (pid > 0 && ::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  static void cleanup() noexcept {
    if (armed_ == 0)
      return;
    armed_ = 0;
    remove_namespaces();
  }

  // Quietly: a name may not exist (a step failed, or a stale pair is cleared before a new one).
  static void remove_namespaces() noexcept {
    for (auto* name : names_) {
      char* argv[] = {const_cast<char*>("ip"), const_cast<char*>("netns"), const_cast<char*>("del"),
                      name, nullptr};
      run(argv, true);
    }
  }

  static void on_signal(int sig) {
    cleanup();
    const char* msg = sig == SIGALRM ? "bench: timed out; network namespaces removed\n"
                                     : "bench: interrupted; network namespaces removed\n";
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg, std::strlen(msg));
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }

  static inline char names_[2][32] = {};
  static inline volatile std::sig_atomic_t armed_ = 0;

  std::string a_, b_, ip_a_, ip_b_;
};

} // namespace bench
