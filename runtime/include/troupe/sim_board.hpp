/// @file
/// `troupe::sim_board`: where a node's running simulation shows its progress and takes steering
/// requests: the monitor serves it (`GET /api/v1/sim`; `POST /api/v1/sim/pause`, `resume`,
/// `stop`, `params` with `--monitor-allow-control`, docs/MONITOR.md). The simulation driver
/// (troupe/actors/driver.hpp) opens and updates it; other simulations may too.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <troupe/result.hpp>

namespace troupe {

/// A simulation's progress as its monitor shows it.
struct sim_status {
  /// The simulation's name (heat2d's driver: "heat2d").
  std::string label;
  /// Steps done, of `total`; `first` were done before this run (a restart).
  std::int64_t step = 0;
  std::int64_t total = 0;
  std::int64_t first = 0;
  /// Over this run so far; the ETA is unknown (nothing) before the first steps or while paused.
  double steps_per_second = 0;
  std::optional<double> eta_seconds;
  /// Held at a step boundary by a pause.
  bool paused = false;
  /// Ended (its last status stays on the board).
  bool done = false;
  /// The named parameters and their values now.
  std::vector<std::pair<std::string, double>> parameters;
  /// The newest checkpoint written (empty: none), at which step, and how long its write took
  /// from the step boundary to the files being in place.
  std::string last_checkpoint;
  std::int64_t last_checkpoint_step = 0;
  double last_checkpoint_seconds = 0;
};

/// A steering request: pause at the next step boundary, resume, set parameter `name`, or stop
/// (end the run at the next step boundary, as at its last step: with a checkpoint when it takes
/// them).
struct sim_request {
  enum class kind : std::uint8_t { pause, resume, set, stop };
  kind what = kind::pause;
  std::string name;
  double value = 0;
};

/// A node's simulation board; safe to use from any thread.
class sim_board {
public:
  /// Takes steering requests: the simulation's answer (an error names what is wrong, e.g. an
  /// unknown parameter) once the request is accepted, not once it took effect.
  using steer_fn = std::function<result<void>(const sim_request&)>;

  /// A simulation starts on this node: it shows `first` and takes requests through `steer`.
  /// A later `open` replaces the simulation shown (one at a time); the ticket returned keeps
  /// the replaced one's later `publish` and `close` from touching the board.
  std::uint64_t open(sim_status first, steer_fn steer);

  /// The simulation's progress now.
  void publish(std::uint64_t ticket, sim_status now);

  /// The simulation ended: its last status stays, marked done, and it takes no more requests.
  void close(std::uint64_t ticket);

  /// What the board shows: nothing before a simulation opened it.
  [[nodiscard]] std::optional<sim_status> status() const;

  /// Passes `r` to the simulation; `errc::no_simulation` when none runs here.
  result<void> steer(const sim_request& r) const;

private:
  mutable std::mutex mtx_;
  std::optional<sim_status> status_;
  std::shared_ptr<steer_fn> steer_;
  std::uint64_t ticket_ = 0;
};

} // namespace troupe
