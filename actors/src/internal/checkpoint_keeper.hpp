// The driver's side of checkpoints: collects every part's piece at a checkpoint boundary and
// hands the complete checkpoint to the writer thread without blocking the driver's worker.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <troupe/actors/boundary.hpp>
#include <troupe/actors/checkpoint_writer.hpp>
#include <troupe/result.hpp>

namespace troupe::actors::detail {

/// What the keeper records besides the pieces (the driver's configuration).
struct checkpoint_plan {
  std::string program;
  std::string layout;
  double time_step = 0;
  /// Checkpoints at multiples of this (0: only at the run's end).
  std::int64_t every = 0;
  std::size_t parts = 0;
};

class checkpoint_keeper {
public:
  checkpoint_keeper(std::shared_ptr<checkpoint_writer> writer, checkpoint_plan plan)
    : writer_(std::move(writer))
    , plan_(std::move(plan)) {
  }

  /// Whether the boundary after `step` takes a checkpoint (`last`: the run ends there).
  [[nodiscard]] bool due(std::int64_t step, bool last) const noexcept {
    return last || (plan_.every > 0 && step % plan_.every == 0);
  }

  /// Whether a complete checkpoint still waits for the writer: the next checkpoint boundary
  /// waits too, so that a run never holds more than two checkpoints' bytes.
  [[nodiscard]] bool holding() const noexcept {
    return held_.has_value();
  }

  /// The boundary after `step` takes a checkpoint with the parameters `now`.
  void begin(std::int64_t step, const parameters& now);

  /// A part's piece. An error (to end the run with) for a piece of another step, a part that
  /// keeps no state, or a failed earlier write.
  result<void> add(checkpoint_piece piece);

  /// The writer ended a write: the checkpoint it completed (its directory), or the write's
  /// error; the held checkpoint is handed over.
  result<std::filesystem::path> written();

  /// At the run's end: every piece must be in; hands over the held checkpoint (blocking until
  /// the write before it ends).
  result<void> finish();

  /// The newest checkpoint handed to the writer, or empty.
  [[nodiscard]] const std::filesystem::path& last() const noexcept {
    return last_;
  }

private:
  struct collecting {
    checkpoint_info info;
    std::vector<part_bytes> parts;
    std::size_t arrived = 0;
  };

  result<void> hand_over(collecting done);

  std::shared_ptr<checkpoint_writer> writer_;
  checkpoint_plan plan_;
  std::optional<collecting> open_;
  std::optional<collecting> held_;
  std::filesystem::path last_;
};

} // namespace troupe::actors::detail
