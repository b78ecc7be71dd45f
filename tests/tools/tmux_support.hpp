// tmux for tests of troupe-top in a real terminal: a server of the test's own, keys, the screen,
// and the actor table's rows read off it.
#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <multinode/nodes.hpp>

namespace troupe::test {

using namespace std::chrono_literals;

inline std::optional<std::string> find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs{path ? path : "/usr/bin:/bin"};
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (auto full = dir + "/" + name; ::access(full.c_str(), X_OK) == 0)
      return full;
  return std::nullopt;
}

// A tmux server of the test's own (its own socket file, no user config), killed and its socket
// removed when the test ends, however it ends.
class tmux_server {
public:
  explicit tmux_server(std::string tmux)
    : tmux_(std::move(tmux)) {
    static std::atomic<int> count{0};
    socket_ = "/tmp/troupe-top-test-" + std::to_string(::getpid()) + "-" + std::to_string(++count) +
              ".sock";
  }
  tmux_server(const tmux_server&) = delete;
  tmux_server& operator=(const tmux_server&) = delete;
  ~tmux_server() {
    try {
      run({"kill-server"});
    } catch (...) { // a server that never started has nothing to kill
    }
    std::remove(socket_.c_str()); // tmux leaves its socket file behind
  }

  // Runs `command` in a 160x50 window; the pane stays when it ends, so its last screen and
  // whether it ended can be read.
  void start(const std::string& command) {
    REQUIRE(run({"new-session",
                 "-d",
                 "-x",
                 "160",
                 "-y",
                 "50",
                 "-s",
                 "top",
                 "sleep 600",
                 ";",
                 "set-option",
                 "-g",
                 "remain-on-exit",
                 "on",
                 ";",
                 "respawn-pane",
                 "-k",
                 "-t",
                 "top",
                 command}) == 0);
  }

  void keys(std::vector<std::string> keys) {
    keys.insert(keys.begin(), {"send-keys", "-t", "top"});
    REQUIRE(run(std::move(keys)) == 0);
  }

  std::string pane() {
    return output({"capture-pane", "-p", "-t", "top"});
  }

  bool ended() {
    return output({"display-message", "-p", "-t", "top", "#{pane_dead}"}) == "1\n";
  }

  // Reads the screen until `holds` says it shows what is wanted; fails after `timeout` showing
  // the last screen. tmux offers no event for a screen's content, so this polls.
  std::string await(const std::function<bool(const std::string&)>& holds, const std::string& what,
                    std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto screen = pane();
      if (holds(screen))
        return screen;
      if (std::chrono::steady_clock::now() > deadline)
        FAIL("the screen did not show " << what << " within " << timeout.count()
                                        << " ms; last screen:\n"
                                        << screen);
      std::this_thread::sleep_for(100ms);
    }
  }

private:
  int run(std::vector<std::string> args) {
    args.insert(args.begin(), {"-S", socket_, "-f", "/dev/null"});
    process p{tmux_, std::move(args)};
    return p.wait(10s, "tmux");
  }

  std::string output(std::vector<std::string> args) {
    args.insert(args.begin(), {"-S", socket_, "-f", "/dev/null"});
    process p{tmux_, std::move(args)};
    REQUIRE(p.wait(10s, "tmux") == 0);
    return p.out();
  }

  std::string tmux_;
  std::string socket_;
};

// The actor table's rows on a screen: the lines after the heading that start with an id.
inline std::vector<std::vector<std::string>> rows_of(const std::string& screen) {
  std::vector<std::vector<std::string>> rows;
  bool in_table = false;
  for (auto& line : lines_of(screen)) {
    std::istringstream words{line};
    std::vector<std::string> w{std::istream_iterator<std::string>{words}, {}};
    if (!w.empty() && w[0].starts_with("ID") && line.find("NAME") != std::string::npos)
      in_table = true;
    else if (in_table && !w.empty() && std::isdigit(static_cast<unsigned char>(w[0][0])))
      rows.push_back(std::move(w));
  }
  return rows;
}

} // namespace troupe::test
