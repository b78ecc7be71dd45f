/// @file
/// Child processes of a benchmark: each repetition that must start from a fresh heap (spawn,
/// skynet) or that needs two processes (remote_rtt) runs this program again with other flags.
#pragma once

#include <cerrno>
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

/// A child running this same executable; its stdout is read line by line. The destructor
/// ends it (SIGTERM, then waits), so no child outlives its benchmark.
class child {
public:
  explicit child(const std::vector<std::string>& args) {
    int fds[2];
    if (pipe(fds) != 0)
      die("pipe");
    pid_ = fork();
    if (pid_ < 0)
      die("fork");
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      std::string exe = "/proc/self/exe";
      argv.push_back(exe.data());
      for (auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv("/proc/self/exe", argv.data());
      std::perror("bench: execv");
      _exit(127);
    }
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }

  child(const child&) = delete;
  child& operator=(const child&) = delete;

  ~child() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      wait();
    }
    if (out_ != nullptr)
      std::fclose(out_);
  }

  /// Sends the child signal `sig` (while it runs).
  void signal(int sig) {
    if (pid_ > 0)
      kill(pid_, sig);
  }

  /// The next line the child printed, without its newline; empty at end of output.
  std::string read_line() {
    std::string line;
    for (int c = std::fgetc(out_); c != EOF && c != '\n'; c = std::fgetc(out_))
      line += static_cast<char>(c);
    return line;
  }

  /// Waits for the child to end; returns its exit status (128 + signal when killed).
  int wait() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

private:
  [[noreturn]] static void die(const char* what) {
    std::perror(what);
    std::exit(2);
  }

  pid_t pid_ = -1;
  FILE* out_ = nullptr;
};

/// Runs this executable with `args` and returns the first line it prints; exits the benchmark
/// with a message if the child fails.
inline std::string run_child(const std::vector<std::string>& args) {
  child c{args};
  auto line = c.read_line();
  while (!c.read_line().empty()) {
  }
  if (int rc = c.wait(); rc != 0 || line.empty()) {
    std::string cmd;
    for (auto& a : args)
      cmd += " " + a;
    std::fprintf(stderr, "bench: child%s failed (exit %d)\n", cmd.c_str(), rc);
    std::exit(1);
  }
  return line;
}

} // namespace bench
