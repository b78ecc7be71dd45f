/// @file
/// `troupe::test::process`: a child process for multi-process tests, always ended and reaped.
///
/// ```cpp
/// troupe::test::process server{PINGPONG_EXE, {"--listen", "127.0.0.1:0"}};
/// auto line = server.read_line(10s, "the 'listening on' line");
/// troupe::test::process client{PINGPONG_EXE, {"--join", addr}};
/// REQUIRE(client.wait(30s, "the joiner to finish") == 0);
/// ```
/// Every wait has a deadline; when it passes, the helper throws `std::runtime_error` naming
/// what was awaited and showing what the child printed so far. The destructor kills (SIGKILL)
/// and reaps a child that is still running, so a failing test never leaves processes behind.
#pragma once

#include <chrono>
#include <csignal>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace troupe::test {

/// A running child process with its stdout and stderr read through pipes.
class process {
public:
  using clock = std::chrono::steady_clock;

  /// Starts `path` with `args` (stdin from /dev/null); throws when it cannot be started.
  process(std::string path, std::vector<std::string> args)
    : path_(std::move(path)) {
    int out[2] = {-1, -1};
    int err[2] = {-1, -1};
    // O_CLOEXEC: a pipe end inherited by an unrelated child would keep it open, and we would
    // never see end of file.
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
      throw std::runtime_error("cannot create pipes for " + describe() + ": " +
                               std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    std::vector<char*> argv;
    argv.push_back(path_.data());
    args_ = std::move(args);
    for (auto& a : args_)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    auto rc = posix_spawn(&pid_, path_.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
    if (rc != 0) {
      pid_ = -1;
      close_fds();
      throw std::runtime_error("cannot start " + describe() + ": " + std::strerror(rc));
    }
    pid_fd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  }

  process(const process&) = delete;
  process& operator=(const process&) = delete;

  ~process() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      int st = 0;
      while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
      }
    }
    close_fds();
  }

  /// The child's process id.
  [[nodiscard]] pid_t pid() const noexcept {
    return pid_;
  }

  /// Everything the child wrote to stdout so far (including lines already returned).
  [[nodiscard]] const std::string& out() const noexcept {
    return out_;
  }

  /// Everything the child wrote to stderr so far, without the line a troupe node writes when
  /// its monitor endpoint starts (`monitor on http://HOST:PORT`, also with troupe-run's rank
  /// prefix): tests check that a program
  /// says nothing else, or exactly one error line. `read_err_line` sees that line too.
  [[nodiscard]] const std::string& err() const {
    err_shown_.clear();
    for (std::size_t at = 0; at < err_.size();) {
      auto nl = err_.find('\n', at);
      auto end = nl == std::string::npos ? err_.size() : nl + 1;
      // troupe-run prefixes each line with its rank: "[2] monitor on ...".
      auto text = at;
      if (err_.compare(at, 1, "[") == 0)
        if (auto close = err_.find("] ", at); close != std::string::npos && close < end)
          text = close + 2;
      if (err_.compare(text, monitor_line.size(), monitor_line) != 0)
        err_shown_.append(err_, at, end - at);
      at = end;
    }
    return err_shown_;
  }

  /// The next line of stdout (without its newline), waiting at most `timeout`; throws naming
  /// `what` when none comes in time or the child closes stdout first.
  std::string read_line(std::chrono::milliseconds timeout, std::string_view what) {
    auto deadline = clock::now() + timeout;
    for (;;) {
      if (auto nl = out_.find('\n', line_pos_); nl != std::string::npos) {
        auto line = out_.substr(line_pos_, nl - line_pos_);
        line_pos_ = nl + 1;
        return line;
      }
      if (out_fd_ < 0)
        fail("stdout ended before " + std::string{what});
      if (!pump(deadline))
        fail("timed out after " + seconds(timeout) + " waiting for " + std::string{what});
    }
  }

  /// The next line of stderr (without its newline), as `read_line` reads stdout.
  std::string read_err_line(std::chrono::milliseconds timeout, std::string_view what) {
    auto deadline = clock::now() + timeout;
    for (;;) {
      if (auto nl = err_.find('\n', err_line_pos_); nl != std::string::npos) {
        auto line = err_.substr(err_line_pos_, nl - err_line_pos_);
        err_line_pos_ = nl + 1;
        return line;
      }
      if (err_fd_ < 0)
        fail("stderr ended before " + std::string{what});
      if (!pump(deadline))
        fail("timed out after " + seconds(timeout) + " waiting for " + std::string{what});
    }
  }

  /// Waits at most `timeout` for the child to exit, reading all its output; returns its exit
  /// code (128 + N when killed by signal N). Throws naming `what` when it does not exit in time.
  int wait(std::chrono::milliseconds timeout, std::string_view what) {
    auto deadline = clock::now() + timeout;
    while (!status_) {
      if (!pump(deadline))
        fail("timed out after " + seconds(timeout) + " waiting for " + std::string{what});
    }
    // Output written just before exit is still in the pipes.
    while (out_fd_ >= 0 || err_fd_ >= 0)
      if (!pump(deadline))
        fail("timed out after " + seconds(timeout) + " reading the output of " + std::string{what} +
             " (a grandchild holds its pipes?)");
    return *status_;
  }

  /// Sends signal `sig` to the child, if it still runs.
  void signal(int sig) {
    if (pid_ > 0 && !status_)
      ::kill(pid_, sig);
  }

  /// "path arg1 arg2 ..." for messages.
  [[nodiscard]] std::string describe() const {
    auto s = path_;
    for (auto& a : args_)
      s += " " + a;
    return s;
  }

private:
  static std::string seconds(std::chrono::milliseconds d) {
    auto text = std::to_string(static_cast<double>(d.count()) / 1000.0);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.')
      text.pop_back();
    return text + " s";
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error(why + " from `" + describe() + "` (pid " + std::to_string(pid_) +
                             ")\n--- its stdout so far:\n" + out_ + "--- its stderr so far:\n" +
                             err_ + "---");
  }

  // Waits until output arrives or the child exits (or `deadline` passes: returns false).
  bool pump(clock::time_point deadline) {
    pollfd fds[3];
    nfds_t n = 0;
    if (out_fd_ >= 0)
      fds[n++] = pollfd{out_fd_, POLLIN, 0};
    if (err_fd_ >= 0)
      fds[n++] = pollfd{err_fd_, POLLIN, 0};
    bool watch_exit = !status_ && pid_fd_ >= 0;
    if (watch_exit)
      fds[n++] = pollfd{pid_fd_, POLLIN, 0};
    if (!status_ && !watch_exit && out_fd_ < 0 && err_fd_ < 0) {
      // No pidfd (old kernel) and the pipes are closed: wait for the exit in small steps.
      while (!reap(WNOHANG)) {
        if (clock::now() >= deadline)
          return false;
        ::usleep(1000);
      }
      return true;
    }
    if (n == 0)
      return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (left.count() < 0)
      return false;
    int ready = ::poll(fds, n, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR)
      return true;
    if (ready <= 0)
      return clock::now() < deadline;
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0)
        continue;
      if (fds[i].fd == pid_fd_)
        reap(0);
      else
        drain(fds[i].fd == out_fd_ ? out_fd_ : err_fd_, fds[i].fd == out_fd_ ? out_ : err_);
    }
    return true;
  }

  void drain(int& fd, std::string& into) {
    char buf[4096];
    auto got = ::read(fd, buf, sizeof buf);
    if (got > 0) {
      into.append(buf, static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      ::close(fd);
      fd = -1;
    }
  }

  bool reap(int flags) {
    int st = 0;
    pid_t r;
    while ((r = ::waitpid(pid_, &st, flags)) < 0 && errno == EINTR) {
    }
    if (r != pid_)
      return false;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return true;
  }

  void close_fds() noexcept {
    for (int* fd : {&out_fd_, &err_fd_, &pid_fd_})
      if (*fd >= 0) {
        ::close(*fd);
        *fd = -1;
      }
  }

  std::string path_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  int pid_fd_ = -1;
  std::optional<int> status_;
  std::string out_;
  std::string err_;
  std::size_t line_pos_ = 0;
  std::size_t err_line_pos_ = 0;
  mutable std::string err_shown_;
  static constexpr std::string_view monitor_line = "monitor on http://";
};

} // namespace troupe::test
