/// @file
/// A CSV time series of a simulation: one row per recorded step, flushed as it is written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include <troupe/result.hpp>

namespace troupe::actors {

/// A CSV file with the header `step,time,residual,<quantities...>` and one row per `write`.
/// Numbers are printed in their shortest round-trip form (reading one back gives the same
/// double), and each row reaches the file in one `write(2)` call before `write` returns, so a
/// run killed at any point leaves complete rows, except that a kill inside that call can cut
/// the last row (Linux stops a write at a page boundary for SIGKILL); opening at a restart step
/// drops it.
///
///     auto csv = csv_series::open("out/heat.csv", {"energy", "max"}).value();
///     csv.write(step, step * dt, residual, {energy, max}).value();
class csv_series {
public:
  /// Opens `file` (creating its directory) for rows from `first_step` on. A new run passes 0
  /// and starts the file afresh. A run restarted at step k passes k: rows of an existing file
  /// with the same header and a step before k are kept, later and incomplete rows dropped; an
  /// existing file with another header is an error (it belongs to another program or setup).
  /// Quantity names must be non-empty and hold no comma, quote or line break.
  static result<csv_series> open(std::filesystem::path file, std::vector<std::string> quantities,
                                 std::int64_t first_step = 0);

  csv_series(csv_series&& other) noexcept;
  csv_series& operator=(csv_series&& other) noexcept;
  ~csv_series();

  /// Appends the row `step,time,residual,quantities...`; `quantities` holds one value per
  /// quantity named at `open`.
  result<void> write(std::int64_t step, double time, double residual,
                     std::span<const double> quantities = {});

  /// `write` for quantities listed in place.
  result<void> write(std::int64_t step, double time, double residual,
                     std::initializer_list<double> quantities) {
    return write(step, time, residual, std::span{quantities.begin(), quantities.size()});
  }

  /// The file's path.
  [[nodiscard]] const std::filesystem::path& path() const noexcept {
    return file_;
  }

private:
  csv_series(std::filesystem::path file, std::size_t quantities, int fd);

  std::filesystem::path file_;
  std::size_t quantities_ = 0;
  int fd_ = -1;
};

} // namespace troupe::actors
