// The driver's side of the node's sim_board (troupe/sim_board.hpp): what the monitor shows of
// the run (`/api/v1/sim`) and where its steering requests go (the driver actor, as
// driver_commands).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <caf/actor_addr.hpp>

#include <troupe/actors/boundary.hpp>
#include <troupe/sim_board.hpp>

namespace troupe::actors::detail {

class sim_reporter {
public:
  /// Opens `board` for the run `label` of `total` steps starting after step `first`, with the
  /// parameters `now`; steering requests become driver_commands to `driver` (a parameter the
  /// run does not have is refused at once, naming the ones it has).
  sim_reporter(sim_board* board, std::string label, std::int64_t total, std::int64_t first,
               const parameters& now, caf::actor_addr driver);

  /// The parts passed the boundary after `step`, with the parameters `now`.
  void passed(std::int64_t step, const parameters& now);
  void paused(bool on);
  /// A checkpoint's write began at the boundary after `step`.
  void checkpoint_begun(std::int64_t step);
  /// That write completed: the checkpoint's directory.
  void checkpoint_written(const std::filesystem::path& dir);
  /// The run ended (finished, stopped or failed).
  void ended();

private:
  void publish();

  using clock = std::chrono::steady_clock;
  sim_board* board_;
  std::uint64_t ticket_ = 0;
  sim_status status_;
  clock::time_point started_ = clock::now();
  std::optional<std::pair<std::int64_t, clock::time_point>> writing_;
};

} // namespace troupe::actors::detail
