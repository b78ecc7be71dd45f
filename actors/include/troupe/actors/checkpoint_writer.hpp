/// @file
/// `troupe::actors::checkpoint_writer`: writes checkpoints on a thread of its own, so that a
/// simulation's step loop goes on while the files are hashed, written and synced.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include <troupe/actors/checkpoint.hpp>
#include <troupe/result.hpp>

namespace troupe::actors {

/// Writes the checkpoints of one run into one directory, one at a time, on its own thread
/// (mostly waiting for the disk; the hashing is a short burst of one core per write).
///
/// The driver collects its parts' bytes at a step boundary (each part serialises its own
/// state with `to_bytes`, so that work is spread over the pool) and hands them over with
/// `start`, which returns as soon as they are moved in: the step loop is blocked only for
/// that, not for the write (`write_checkpoint`, which this runs). One write is in flight at a
/// time, so a run holds at most two checkpoints' bytes: the one being written and the one
/// being collected.
///
/// ```cpp
/// auto writer = troupe::actors::checkpoint_writer::open(dir).value(); // dir checked now
/// // at a step boundary, with parts[r] = to_bytes(state of part r).value():
/// if (auto previous = writer.start(info, std::move(parts)); !previous)
///   std::cerr << previous.error().message() << '\n';                  // an earlier write failed
/// writer.wait().value();                                              // at the end of the run
/// ```
class checkpoint_writer {
public:
  /// A writer into `dir`, created if missing; an error names `dir` when it cannot be created
  /// or written into.
  static result<checkpoint_writer> open(std::filesystem::path dir);

  checkpoint_writer(checkpoint_writer&&) noexcept;
  checkpoint_writer& operator=(checkpoint_writer&&) noexcept;

  /// Finishes the write in flight (a checkpoint begun is worth completing), then ends the
  /// thread. Its outcome is lost unless `wait` was called.
  ~checkpoint_writer();

  /// Starts writing the checkpoint of `info.step` with `parts[r]` as part r's bytes, and
  /// returns once they are moved in. If the previous write is still running, blocks until it
  /// ends. Returns the outcome of the previous write, if no `wait` has returned it yet; this
  /// write's own outcome comes from the next `start` or `wait`. Either way this write starts.
  result<void> start(checkpoint_info info, std::vector<part_bytes> parts);

  /// Blocks until the write in flight, if any, has ended; returns the outcome of the last
  /// write that no `start` or `wait` has returned yet (success when there is none).
  result<void> wait();

  /// Whether a write is in flight (for a driver that would rather skip a checkpoint than wait).
  [[nodiscard]] bool busy() const;

  /// Calls `fn` on the writer's thread each time a write has ended (its outcome is ready for
  /// `wait`), so that an actor holding the next checkpoint can hand it over without blocking
  /// a worker in `start`: `fn` sends the actor a message. `fn` must not call this writer.
  void on_written(std::function<void()> fn);

  /// The directory written into.
  [[nodiscard]] const std::filesystem::path& dir() const noexcept;

private:
  struct impl;
  explicit checkpoint_writer(std::unique_ptr<impl> state);

  std::unique_ptr<impl> impl_;
};

} // namespace troupe::actors
