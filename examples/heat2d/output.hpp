// heat2d: what rank 0 writes (VTK series, PNG snapshots, CSV of the residual) and prints.
#pragma once

#include <cstdint>
#include <filesystem>

#include <Eigen/Core>

#include <troupe/actors/csv.hpp>
#include <troupe/actors/tile_layout.hpp>
#include <troupe/actors/vti.hpp>
#include <troupe/result.hpp>

#include "heat2d.hpp"

namespace heat2d {

/// The files of one run under --out DIR: heat2d.pvd with heat2d_<step>.vti, heat2d_<step>.png,
/// and heat2d.csv (step, time, residual).
class output {
public:
  /// Creates DIR and the series; an error names what cannot be written. A run restarted
  /// after step `first` keeps the files of steps up to `first` and replaces the later ones.
  static troupe::result<output> open(const params& p, std::int64_t first = 0);

  /// Writes the field of `step` as a .vti (listed in the .pvd) and a PNG.
  troupe::result<void> write(std::int64_t step, double time, const Eigen::ArrayXXd& field);

  /// Appends a row to the CSV.
  troupe::result<void> residual(std::int64_t step, double time, double value);

  [[nodiscard]] std::filesystem::path pvd() const;
  [[nodiscard]] const std::filesystem::path& last_png() const noexcept {
    return last_png_;
  }

private:
  output(std::filesystem::path dir, troupe::actors::vti_series vti, troupe::actors::csv_series csv,
         troupe::actors::image_geometry geometry)
    : dir_(std::move(dir))
    , vti_(std::move(vti))
    , csv_(std::move(csv))
    , geometry_(geometry) {
  }

  std::filesystem::path dir_;
  troupe::actors::vti_series vti_;
  troupe::actors::csv_series csv_;
  troupe::actors::image_geometry geometry_;
  std::filesystem::path last_png_;
};

/// Prints the run's results on stdout: steps, checksum, residual, for --init sine the largest
/// error against the scheme's exact solution, the step loop's time (`seconds` of wall clock
/// for the steps after `first`) and rate; then where the output files are.
void report(const params& p, const troupe::actors::tile_layout& layout,
            const Eigen::ArrayXXd& field, double residual, double seconds, std::int64_t first,
            const output* out);

} // namespace heat2d
