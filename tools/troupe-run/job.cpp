// One run of a job: start the ranks, relay their output, pass signals on, end them together.
#include "job.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "line_relay.hpp"

extern char** environ;

namespace troupe_run {

namespace {

using clock = std::chrono::steady_clock;

constexpr std::string_view listening_prefix = "listening on ";

void say(const std::string& line) {
  write_all(2, "troupe-run: " + line + "\n");
}

// "exited with code 7", "was killed by signal 9 (Killed)".
std::string describe_end(int wait_status) {
  if (WIFEXITED(wait_status))
    return "exited with code " + std::to_string(WEXITSTATUS(wait_status));
  int sig = WTERMSIG(wait_status);
  return "was killed by signal " + std::to_string(sig) + " (" + ::strsignal(sig) + ")";
}

int exit_code(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

// One rank: its process (leader of its own process group) and its two output streams.
struct rank_process {
  explicit rank_process(std::size_t r)
    : rank(r)
    , out("[" + std::to_string(r) + "] ", 1)
    , err("[" + std::to_string(r) + "] ", 2) {
  }

  std::size_t rank;
  pid_t pid = -1;
  int fds[2] = {-1, -1}; // stdout, stderr
  line_relay out;
  line_relay err;
  std::optional<int> status; // as waitpid gives it

  [[nodiscard]] bool running() const noexcept {
    return pid > 0 && !status;
  }

  line_relay& relay(int which) noexcept {
    return which == 0 ? out : err;
  }

  // The whole group: a wrapper script's own children get the signal too.
  void signal(int sig) const noexcept {
    if (running())
      ::kill(-pid, sig);
  }
};

class job {
public:
  job(const run_options& opts, const std::vector<std::string>& args)
    : opts_(opts)
    , args_(args) {
  }

  job_end run();

private:
  bool start(std::size_t rank);
  void on_signal();
  void reap();
  void ended(rank_process& r, int wait_status);
  void read_from(rank_process& r, int which, bool until_dry);
  void begin_ending();
  [[nodiscard]] bool wants_more_ranks() const;
  [[nodiscard]] bool any_running() const;
  std::vector<std::string> environment(std::size_t rank) const;

  const run_options& opts_;
  const std::vector<std::string>& args_;
  int signal_fd_ = -1;
  std::vector<std::unique_ptr<rank_process>> ranks_;
  std::optional<std::string> join_address_;
  std::optional<int> first_failure_;
  bool interrupted_ = false;
  bool ending_ = false;
  std::optional<clock::time_point> kill_at_;
};

std::vector<std::string> job::environment(std::size_t rank) const {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view var = *e;
    if (var.starts_with("TROUPE_RANK=") || var.starts_with("TROUPE_SIZE="))
      continue;
    env.emplace_back(var);
  }
  env.push_back("TROUPE_RANK=" + std::to_string(rank));
  env.push_back("TROUPE_SIZE=" + std::to_string(opts_.ranks));
  return env;
}

bool job::start(std::size_t rank) {
  std::vector<std::string> args{opts_.path};
  args.insert(args.end(), args_.begin(), args_.end());
  if (rank == 0)
    args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  else
    args.insert(args.end(), {"--join", *join_address_});
  auto env = environment(rank);
  std::vector<char*> argv;
  std::vector<char*> envp;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  // `report` carries exec's errno from the child; it closes on a successful exec (O_CLOEXEC).
  int out[2], err[2], report[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0 ||
      ::pipe2(report, O_CLOEXEC) != 0) {
    say("cannot create pipes for rank " + std::to_string(rank) + ": " + std::strerror(errno));
    return false;
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls until exec. Its own process group: a Ctrl-C on the
    // terminal reaches troupe-run alone, which passes it on once. PDEATHSIG: a troupe-run
    // killed outright (SIGKILL) takes its ranks along instead of leaving them behind.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
      ::_exit(127);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD})
      ::sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0)
      ::dup2(devnull, 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::execve(argv[0], argv.data(), envp.data());
    int e = errno;
    [[maybe_unused]] auto n = ::write(report[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  ::close(report[1]);
  if (pid < 0) {
    say("cannot start rank " + std::to_string(rank) + ": fork: " + std::strerror(errno));
    for (int fd : {out[0], err[0], report[0]})
      ::close(fd);
    return false;
  }
  ::setpgid(pid, pid); // also here: whichever of the two runs first, the group exists
  auto r = std::make_unique<rank_process>(rank);
  r->pid = pid;
  r->fds[0] = out[0];
  r->fds[1] = err[0];
  for (int fd : r->fds)
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  int exec_errno = 0;
  ssize_t got;
  while ((got = ::read(report[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  ranks_.push_back(std::move(r));
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    say("PROGRAM '" + opts_.program + "' cannot be started (rank " + std::to_string(rank) +
        "): " + std::strerror(exec_errno) + "; give an executable troupe program");
    return false;
  }
  return true;
}

bool job::any_running() const {
  for (auto& r : ranks_)
    if (r->running())
      return true;
  return false;
}

bool job::wants_more_ranks() const {
  return ranks_.size() < opts_.ranks && !ending_ && !interrupted_ && !ranks_.empty() &&
         ranks_.front()->running();
}

void job::begin_ending() {
  if (ending_)
    return;
  ending_ = true;
  if (!any_running())
    return;
  for (auto& r : ranks_)
    r->signal(SIGTERM);
  kill_at_ = clock::now() + opts_.grace;
}

void job::read_from(rank_process& r, int which, bool until_dry) {
  auto on_line = [&](std::string_view line) {
    if (r.rank == 0 && which == 0 && !join_address_ && line.starts_with(listening_prefix))
      join_address_ = std::string{line.substr(listening_prefix.size())};
  };
  int& fd = r.fds[which];
  char buf[65536];
  while (fd >= 0) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      r.relay(which).feed(std::string_view{buf, static_cast<std::size_t>(n)}, on_line);
      if (!until_dry)
        return;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      return;
    r.relay(which).finish(on_line); // end of file (or an error: nothing more will come)
    ::close(fd);
    fd = -1;
  }
}

void job::ended(rank_process& r, int wait_status) {
  r.status = wait_status;
  // What it wrote before it ended is in its pipes already: relay it before saying anything.
  read_from(r, 0, true);
  read_from(r, 1, true);
  auto code = exit_code(wait_status);
  if (r.rank == 0 && opts_.ranks > 1 && !join_address_ && !interrupted_ && !ending_) {
    say("rank 0 (" + opts_.program + ") " + describe_end(wait_status) + " before printing '" +
        std::string{listening_prefix} +
        "HOST:PORT'; PROGRAM must be a troupe program (it gets --listen 127.0.0.1:0)");
    first_failure_ = code != 0 ? code : 1;
    ending_ = true;
    return;
  }
  if (code == 0 || first_failure_)
    return;
  first_failure_ = code;
  if (any_running() && !interrupted_)
    say("rank " + std::to_string(r.rank) + " " + describe_end(wait_status) +
        "; ending the other ranks");
  begin_ending();
}

void job::reap() {
  for (;;) {
    int st = 0;
    pid_t pid = ::waitpid(-1, &st, WNOHANG);
    if (pid <= 0)
      return;
    for (auto& r : ranks_)
      if (r->pid == pid)
        ended(*r, st);
  }
}

void job::on_signal() {
  signalfd_siginfo info;
  while (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    int sig = static_cast<int>(info.ssi_signo);
    if (sig == SIGCHLD) {
      reap();
      continue;
    }
    interrupted_ = true;
    for (auto& r : ranks_)
      r->signal(sig);
  }
}

job_end job::run() {
  sigset_t handled;
  sigemptyset(&handled);
  for (int sig : {SIGINT, SIGTERM, SIGCHLD})
    sigaddset(&handled, sig);
  signal_fd_ = ::signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd_ < 0) {
    say(std::string{"cannot watch signals: "} + std::strerror(errno));
    return {1, false};
  }
  // A rank that cannot be started is bad input (exit 2), like a PROGRAM that is not found.
  auto cannot_start = [this] {
    first_failure_ = 2;
    begin_ending();
  };
  if (!start(0))
    cannot_start();
  for (;;) {
    if (join_address_ && wants_more_ranks())
      for (auto r = ranks_.size(); r < opts_.ranks && !ending_; ++r)
        if (!start(r))
          cannot_start();
    if (!any_running())
      break;
    std::vector<pollfd> fds{{signal_fd_, POLLIN, 0}};
    std::vector<std::pair<rank_process*, int>> owners{{nullptr, 0}};
    for (auto& r : ranks_)
      for (int which : {0, 1})
        if (r->fds[which] >= 0) {
          fds.push_back({r->fds[which], POLLIN, 0});
          owners.emplace_back(r.get(), which);
        }
    int timeout = -1;
    if (kill_at_)
      timeout = static_cast<int>(std::max<long>(
          0, std::chrono::ceil<std::chrono::milliseconds>(*kill_at_ - clock::now()).count()));
    int ready = ::poll(fds.data(), fds.size(), timeout);
    if (ready < 0 && errno != EINTR) {
      say(std::string{"poll: "} + std::strerror(errno));
      for (auto& r : ranks_)
        r->signal(SIGKILL);
      return {1, interrupted_};
    }
    if (kill_at_ && clock::now() >= *kill_at_) {
      for (auto& r : ranks_)
        r->signal(SIGKILL);
      kill_at_.reset();
    }
    for (std::size_t i = 1; i < fds.size(); ++i)
      if (fds[i].revents != 0)
        read_from(*owners[i].first, owners[i].second, false);
    if (fds[0].revents != 0)
      on_signal();
  }
  // Output of processes that ended: already relayed when they were reaped; a grandchild
  // still holding a pipe is not waited for.
  for (auto& r : ranks_)
    for (int which : {0, 1})
      if (r->fds[which] >= 0) {
        read_from(*r, which, true);
        r->relay(which).finish([](std::string_view) {});
        if (r->fds[which] >= 0)
          ::close(r->fds[which]);
      }
  ::close(signal_fd_);
  return {first_failure_.value_or(0), interrupted_};
}

} // namespace

job_end run_job(const run_options& opts, const std::vector<std::string>& args) {
  return job{opts, args}.run();
}

} // namespace troupe_run
