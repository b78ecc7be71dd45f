// What the output tests share: a scratch directory per test, reading a file back, and running
// code as a user that file permissions apply to.
#pragma once

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace troupe::test {

/// A fresh directory under the system's temporary directory, removed with everything in it.
class scratch_dir {
public:
  scratch_dir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("troupe-output-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }

  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  const std::filesystem::path& path() const {
    return path_;
  }

  std::filesystem::path operator/(const std::string& name) const {
    return path_ / name;
  }

private:
  std::filesystem::path path_;
};

/// The whole content of `file` (empty if it cannot be read).
inline std::string slurp(const std::filesystem::path& file) {
  std::ifstream in{file, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

/// What `body` returns when run by a user that file mode bits apply to: this process if it is
/// not root, else a child process that drops to `nobody` (root ignores mode bits).
inline std::string as_unprivileged(const std::function<std::string()>& body) {
  if (::geteuid() != 0)
    return body();
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  auto child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    std::string out = ::setgid(65534) == 0 && ::setuid(65534) == 0 ? body() : "setuid failed";
    auto written = ::write(fds[1], out.data(), out.size());
    ::_exit(written == static_cast<ssize_t>(out.size()) ? 0 : 1);
  }
  ::close(fds[1]);
  std::string out;
  std::array<char, 4096> buf;
  for (ssize_t n; (n = ::read(fds[0], buf.data(), buf.size())) > 0;)
    out.append(buf.data(), static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  return out;
}

} // namespace troupe::test
