// The task farm's progress as a user sees it: examples/pricer in a real terminal (a pseudo
// terminal, stdout and stderr on it) shows a bar redrawn in place; piped, `auto` shows plain
// lines and never a carriage return.
#ifdef TROUPE_EXAMPLE_PRICER

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <multinode/nodes.hpp>

using namespace std::chrono_literals;
using troupe::test::process;

namespace {

const std::vector<std::string> run_args{"--option",      "asian-call", "--paths",    "400000",
                                        "--chunk-paths", "4096",       "--progress", "auto",
                                        "--threads",     "2"};

struct terminal_run {
  std::string screen; // all the terminal received
  int status = -1;
};

// Runs the pricer on a new pseudo terminal and reads it until the program ends (at most
// `limit`; then it is killed and the test fails with what it printed).
terminal_run run_on_terminal(std::chrono::seconds limit) {
  std::vector<std::string> args{TROUPE_EXAMPLE_PRICER};
  args.insert(args.end(), run_args.begin(), run_args.end());
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  int master = -1;
  winsize size{.ws_row = 40, .ws_col = 160, .ws_xpixel = 0, .ws_ypixel = 0};
  auto pid = ::forkpty(&master, nullptr, nullptr, &size);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  terminal_run out;
  auto deadline = std::chrono::steady_clock::now() + limit;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      ::close(master);
      FAIL("the pricer did not end within " << limit.count() << " s; its terminal showed:\n"
                                            << out.screen);
    }
    pollfd p{.fd = master, .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      continue;
    auto got = ::read(master, buf, sizeof buf);
    if (got <= 0) // EIO: the program and every copy of the terminal's other end closed
      break;
    out.screen.append(buf, static_cast<std::size_t>(got));
  }
  ::waitpid(pid, &out.status, 0);
  ::close(master);
  return out;
}

} // namespace

TEST_CASE("pricer on a terminal shows the farm's progress as a bar redrawn in place",
          "[actors][pricer]") {
  auto run = run_on_terminal(120s);
  INFO("the terminal showed:\n" << run.screen);
  REQUIRE(WIFEXITED(run.status));
  REQUIRE(WEXITSTATUS(run.status) == 0);
  // The bar: redrawn after a bare carriage return (the terminal turns each newline into
  // "\r\n"), with the count of chunks (98 of 4096 paths), the rate and the end.
  std::size_t redraws = 0;
  for (std::size_t i = 0; i + 1 < run.screen.size(); ++i)
    redraws += run.screen[i] == '\r' && run.screen[i + 1] != '\n' ? 1 : 0;
  CHECK(redraws > 0);
  CHECK_THAT(run.screen, Catch::Contains("task 98/98 (100%)") && Catch::Contains("tasks/s") &&
                             Catch::Contains("price"));
}

TEST_CASE("pricer piped shows the farm's progress as lines", "[actors][pricer]") {
  process p{TROUPE_EXAMPLE_PRICER, run_args};
  auto code = p.wait(120s, "pricer to finish");
  INFO(p.describe() << "\nstdout:\n" << p.out() << "stderr:\n" << p.err());
  REQUIRE(code == 0);
  CHECK_THAT(p.err(), Catch::Contains("task 98/98 (100%)"));
  CHECK(p.err().find('\r') == std::string::npos);
  CHECK(p.out().find("task 98/98") == std::string::npos);
}

#endif
