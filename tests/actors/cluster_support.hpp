// Running heat2d and pricer over several local processes: troupe-run, a scratch directory.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>

#include <multinode/nodes.hpp>

namespace troupe::test {

using namespace std::chrono_literals;

inline std::vector<std::string> with(std::vector<std::string> args,
                                     const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Runs `exe args...` to its end and returns its stdout; the run must succeed.
inline std::string succeeded(const std::string& exe, const std::vector<std::string>& args) {
  process p{exe, args};
  auto code = p.wait(180s, "the run to finish");
  INFO(p.describe() << "\nstdout:\n" << p.out() << "stderr:\n" << p.err());
  REQUIRE(code == 0);
  return p.out();
}

// `troupe-run -n N exe args...` to its end; its stdout (each line prefixed with its rank).
inline std::string on_nodes(int n, const std::string& exe, const std::vector<std::string>& args) {
  return succeeded(TROUPE_RUN_EXE, with({"-n", std::to_string(n), exe}, args));
}

// A fresh directory for one test's checkpoints, removed at its end.
struct scratch {
  scratch()
    : path(std::filesystem::temp_directory_path() /
           ("troupe-cluster-runs-" + std::to_string(::getpid()) + "-" + std::to_string(next++))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::filesystem::path path;
  static inline int next = 0;
};

} // namespace troupe::test
