/// @file
/// Checkpoints on disk: a directory per step boundary holding one file per part and a manifest,
/// written atomically and trusted only once verified (Decision 11).
///
/// Layout of a checkpoint directory `DIR` (format version 1):
///
///     DIR/step_0000000200/manifest        text, one `key=value` per line (below)
///     DIR/step_0000000200/part_0.bin      part 0's bytes (to_bytes of its state)
///     DIR/step_0000000200/part_1.bin      ...
///     DIR/.step_0000000250.partial/       a write in progress (or cut short): never read
///
/// The manifest, in this order (`parameter.` lines sorted by name, one per parameter):
///
///     format=troupe-checkpoint
///     version=1
///     program=heat2d
///     step=200
///     time=0.5
///     layout=1000x600 cells in 3x2 tiles
///     parts=6
///     parameter.alpha=0.1
///     part.0=8388656 <SHA-256 of part_0.bin, 64 lowercase hex digits>
///     ...
///     manifest-sha256=<SHA-256 of every byte of the manifest before this line>
///
/// Numbers are decimal, doubles in their shortest form that reads back to the same bits.
/// Strings run to the end of their line (they may hold `=` and spaces, not line breaks).
///
/// Driver-side use (a restart, then checkpoints every K steps):
///
/// ```cpp
/// auto cp = find_latest(dir, "heat2d").value();             // newest valid, or an error
/// cp.check_layout(layout, tiles).value();                   // refuse another tile layout
/// auto state = from_bytes<tile_state>(cp.read_part(rank).value()).value();
/// auto writer = checkpoint_writer::open(dir).value();      // (checkpoint_writer.hpp)
/// writer.start({"heat2d", step, t, layout, {{"alpha", a}}}, std::move(parts)).value();
/// ```
///
/// What blocks the calling thread: `find_latest` reads every part file of the checkpoints it
/// tries, `read_part` reads one, `write_checkpoint` writes and syncs the whole checkpoint; call
/// them where a thread may wait for the disk (a restart in `main` before the parts start, or a
/// thread of one's own), not in an actor's handler, which would hold one of the pool's
/// workers. `checkpoint_writer::start` blocks only to take the bytes over (and for the previous
/// write, if it still runs). `to_bytes` runs at memory speed: each part serialises its own
/// state in its actor, so that work is spread over the pool.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <troupe/actors/state_bytes.hpp>
#include <troupe/result.hpp>

namespace troupe::actors {

/// What a checkpoint records besides its parts' bytes.
struct checkpoint_info {
  /// The program that wrote it; a restart skips checkpoints of another program.
  std::string program;
  /// The step boundary it was taken at (≥ 0): the restarted run's next step.
  std::int64_t step = 0;
  /// The simulation time at that boundary.
  double time = 0;
  /// How the parts cut the simulation, as the driver describes it ("1000x600 cells in 3x2
  /// tiles"). Opaque here: `checkpoint::check_layout` compares it as a string.
  std::string layout;
  /// The named parameters in force at that boundary (heat2d: `alpha`), read back bit for bit.
  std::map<std::string, double> parameters;

  friend bool operator==(const checkpoint_info&, const checkpoint_info&) = default;
};

/// One part file as the manifest records it.
struct part_record {
  /// Its size in bytes.
  std::uint64_t size = 0;
  /// Its SHA-256, 64 lowercase hex digits.
  std::string sha256;

  friend bool operator==(const part_record&, const part_record&) = default;
};

/// The newest checkpoints a directory keeps: a write removes all others once it is complete.
inline constexpr std::size_t checkpoints_kept = 2;

/// The manifest format version this build writes and reads.
inline constexpr int checkpoint_format_version = 1;

/// Where the checkpoint of `step` lives in `dir`: `dir/step_<step in 10 or more digits>`.
std::filesystem::path checkpoint_path(const std::filesystem::path& dir, std::int64_t step);

/// Creates `dir` if missing and checks that checkpoints can be written into it (what
/// `checkpoint_writer::open` checks), for a program that refuses a bad directory before it
/// writes anything else. The error names `dir` and what to do.
result<void> make_checkpoint_dir(const std::filesystem::path& dir);

/// Writes a checkpoint of `info.step` with `parts[r]` as part r's bytes into `dir` (created if
/// missing) and returns its directory. Blocks the calling thread for the whole write (hashing,
/// writing and `fsync` of every file); `checkpoint_writer` runs it on a thread of its own.
///
/// Atomic: everything goes into `dir/.step_N.partial/`, each file and the directory are synced,
/// then it is renamed to `dir/step_N` (replacing a checkpoint of the same step). A crash
/// leaves the earlier checkpoints as they were and a partial directory that readers ignore and
/// the next write removes. Once complete, the checkpoints kept are this one and the newest
/// older one (`checkpoints_kept`); the rest go, including any of a later step (left by a run
/// that a restart from an earlier checkpoint abandoned). A directory belongs to one run: two
/// runs writing into the same directory at once remove each other's checkpoints.
///
/// Errors name the file or directory and what to do: a directory that cannot be created or
/// written into, a full disk, and `info` that cannot be recorded (an empty program, a line
/// break in a string, a parameter name with `=`, no parts, a negative step).
result<std::filesystem::path> write_checkpoint(const std::filesystem::path& dir,
                                               const checkpoint_info& info,
                                               std::span<const part_bytes> parts);

/// A checkpoint on disk whose manifest and part files have been verified.
class checkpoint {
public:
  /// Verifies the checkpoint in directory `path` (a `step_N` directory): its manifest parses,
  /// is unchanged since written, has a format version this build reads and names `program`,
  /// and every part file has the recorded size and SHA-256. An error lists what is wrong,
  /// naming `path` and the files ("part_3.bin checksum mismatch").
  static result<checkpoint> open(std::filesystem::path path, std::string_view program);

  /// Its directory (`DIR/step_N`).
  [[nodiscard]] const std::filesystem::path& path() const noexcept {
    return path_;
  }

  /// Program, step, time, layout and parameters, as written.
  [[nodiscard]] const checkpoint_info& info() const noexcept {
    return info_;
  }

  /// Its parts' records, by rank.
  [[nodiscard]] const std::vector<part_record>& parts() const noexcept {
    return parts_;
  }

  /// Part `rank`'s bytes, checked again against the manifest's size and SHA-256 (the file may
  /// have changed since `open`). Blocks while it reads.
  [[nodiscard]] result<part_bytes> read_part(std::size_t rank) const;

  /// An error unless this checkpoint was written for `layout` in `parts` parts: a restart
  /// must keep the layout (tile placement and thread count may change). The error names the
  /// manifest and both layouts. A driver that allows a change compares `info().layout` itself.
  [[nodiscard]] result<void> check_layout(std::string_view layout, std::size_t parts) const;

private:
  friend result<checkpoint> find_latest(const std::filesystem::path& dir, std::string_view program,
                                        const std::function<void(const std::string&)>& warn);

  checkpoint(std::filesystem::path path, checkpoint_info info, std::vector<part_record> parts);

  std::filesystem::path path_;
  checkpoint_info info_;
  std::vector<part_record> parts_;
};

/// Receives one line per checkpoint that a search passed over, naming it and what is wrong.
using checkpoint_warning = std::function<void(const std::string& line)>;

/// The newest valid checkpoint of `program` in `dir`, for a restart. Checkpoints are tried
/// newest first; each one that is not valid (see `checkpoint::open`: truncated or changed
/// files, a missing part, a garbled manifest, another format version or another program) is
/// passed over, and the next older one is tried; once one is found, each passed over is given
/// to `warn` as a line naming it and what is wrong.
/// Partial directories are ignored. With no valid checkpoint, the error names `dir` and lists
/// why each one failed. Reads every part file once to verify it. `warn` defaults to printing
/// `warning: <line>` on stderr.
result<checkpoint> find_latest(const std::filesystem::path& dir, std::string_view program,
                               const checkpoint_warning& warn = {});

} // namespace troupe::actors
