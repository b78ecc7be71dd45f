// One output stream of a rank, relayed line by line with the rank's prefix.
#pragma once

#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>

#include <unistd.h>

namespace troupe_run {

/// Writes all of `text` to `fd` in as few writes as it takes; output nobody reads any more
/// (EPIPE, a closed terminal) is dropped: the job goes on without it.
inline void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    auto n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

/// Cuts a stream into lines and writes each whole, with its prefix, to one file descriptor.
/// troupe-run relays every rank from one thread, one whole line at a time, so lines of
/// different ranks never mix even when they share a terminal.
class line_relay {
public:
  /// A line longer than this is passed on in pieces, each prefixed, rather than held forever.
  static constexpr std::size_t max_line = 64 * 1024;

  line_relay(std::string prefix, int to)
    : prefix_(std::move(prefix))
    , to_(to) {
  }

  /// Takes `bytes`; writes every line they complete and calls `on_line(line)` for each
  /// (without its newline).
  template <class F>
  void feed(std::string_view bytes, F&& on_line) {
    pending_.append(bytes);
    std::size_t start = 0;
    for (;;) {
      auto nl = pending_.find('\n', start);
      if (nl == std::string::npos) {
        if (pending_.size() - start < max_line)
          break;
        nl = start + max_line; // a piece of an overlong line: written with a newline added
        emit(std::string_view{pending_}.substr(start, nl - start), on_line);
        start = nl;
        continue;
      }
      emit(std::string_view{pending_}.substr(start, nl - start), on_line);
      start = nl + 1;
    }
    pending_.erase(0, start);
  }

  /// Writes what is left of an unterminated last line, with a newline.
  template <class F>
  void finish(F&& on_line) {
    if (!pending_.empty())
      emit(pending_, on_line);
    pending_.clear();
  }

private:
  template <class F>
  void emit(std::string_view line, F& on_line) {
    out_.assign(prefix_).append(line).push_back('\n');
    write_all(to_, out_);
    on_line(line);
  }

  std::string prefix_;
  int to_;
  std::string pending_;
  std::string out_;
};

} // namespace troupe_run
