// heat2d's MPI peer, as an MPI user writes it: the NX×NY grid cut into PX×PY blocks on a
// Cartesian communicator (MPI_Cart_create), one block per rank with a halo of width 1, halos
// swapped with MPI_Sendrecv each step (rows as contiguous doubles, columns as an
// MPI_Type_vector), the residual every K steps with MPI_Allreduce. The arithmetic is heat2d's
// (examples/heat2d): the same sine field, dt, weights, stencil expression, residual order and
// block bounds (x0 = ix·NX/PX as in troupe::actors::tile_layout), compiled with the same
// flags, so that the final field's FNV-1a checksum can be compared with heat2d's bit for bit.
//
//   mpirun -n 2 bench_heat2d_mpi --nx 4096 --ny 4096 --steps 200 [--ranks-x 2 --ranks-y 1]
//
// Rank 0 prints one JSON line (../../shared/BENCH.md): bench "heat2d_2proc", cell updates per
// second of the step loop, with heat2d's checksum of the final field and the last residual.
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <mpi.h>

#include "common/bench.hpp"

namespace {

struct extent {
  long x0, y0, nx, ny;
};

// troupe::actors::tile_layout's bounds: block (ix, iy) of px × py.
extent block_of(long nx, long ny, int px, int py, int ix, int iy) {
  long x0 = ix * nx / px;
  long y0 = iy * ny / py;
  return {x0, y0, (ix + 1) * nx / px - x0, (iy + 1) * ny / py - y0};
}

std::uint64_t fnv1a(const std::vector<double>& field) {
  std::uint64_t h = 14695981039346656037ull;
  auto* bytes = reinterpret_cast<const unsigned char*>(field.data());
  for (std::size_t i = 0; i < field.size() * sizeof(double); ++i) {
    h ^= bytes[i];
    h *= 1099511628211ull;
  }
  return h;
}

[[noreturn]] void usage_error(int rank, const std::string& what) {
  if (rank == 0)
    std::fprintf(stderr, "bench_heat2d_mpi: %s\n", what.c_str());
  MPI_Finalize();
  std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  int size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  bench::options opt{argc, argv, {"nx", "ny", "steps", "residual-every", "ranks-x", "ranks-y"}};
  const long nx = opt.get("nx", 4096LL);
  const long ny = opt.get("ny", 4096LL);
  const long steps = opt.get("steps", 200LL);
  const long every = opt.get("residual-every", 10LL);
  const int px = static_cast<int>(opt.get("ranks-x", static_cast<long long>(size)));
  const int py = static_cast<int>(opt.get("ranks-y", 1LL));
  if (px * py != size)
    usage_error(rank, "--ranks-x " + std::to_string(px) + " times --ranks-y " + std::to_string(py) +
                          " must equal the number of ranks (" + std::to_string(size) +
                          "); change them or mpirun -n");
  if (nx < px || ny < py || steps < 1 || every < 1)
    usage_error(rank, "--nx, --ny must be at least --ranks-x, --ranks-y and --steps, "
                      "--residual-every positive");

  // Row-major dims (y, x): rank = iy·PX + ix, heat2d's tile numbering.
  int dims[2] = {py, px};
  int periodic[2] = {0, 0};
  MPI_Comm grid;
  MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periodic, 0, &grid);
  int coords[2];
  MPI_Cart_coords(grid, rank, 2, coords);
  int south, north, west, east;
  MPI_Cart_shift(grid, 0, 1, &south, &north);
  MPI_Cart_shift(grid, 1, 1, &west, &east);
  const auto me = block_of(nx, ny, px, py, coords[1], coords[0]);

  // heat2d's defaults: alpha 1, dt 0.9 of the stability limit, computed in heat2d's order.
  const double alpha = 1.0;
  const double hx = 1.0 / static_cast<double>(nx + 1), hy = 1.0 / static_cast<double>(ny + 1);
  const double limit = 0.5 / (alpha * 1.0 * (1.0 / (hx * hx) + 1.0 / (hy * hy)));
  const double dt = 0.9 * limit;
  const double rx = alpha * dt / (hx * hx), ry = alpha * dt / (hy * hy);
  const double center = 1 - 2 * rx - 2 * ry;

  const long rows = me.nx + 2; // x is the fast index, as in heat2d
  auto at = [rows](long i, long j) { return static_cast<std::size_t>(i + rows * j); };
  std::vector<double> u(static_cast<std::size_t>(rows * (me.ny + 2)), 0.0), v = u;
  for (long j = 1; j <= me.ny; ++j)
    for (long i = 1; i <= me.nx; ++i) {
      auto x = static_cast<double>(me.x0 + i) * hx;
      auto y = static_cast<double>(me.y0 + j) * hy;
      u[at(i, j)] = std::sin(std::numbers::pi * x) * std::sin(std::numbers::pi * y);
    }
  MPI_Datatype column;
  MPI_Type_vector(static_cast<int>(me.ny), 1, static_cast<int>(rows), MPI_DOUBLE, &column);
  MPI_Type_commit(&column);
  const int row = static_cast<int>(me.nx);

  double residual = 0;
  MPI_Barrier(grid);
  const double t0 = MPI_Wtime();
  for (long s = 1; s <= steps; ++s) {
    // Edges out, halos in; MPI_PROC_NULL at the grid's edge keeps the zero boundary.
    MPI_Sendrecv(&u[at(1, 1)], 1, column, west, 0, &u[at(me.nx + 1, 1)], 1, column, east, 0, grid,
                 MPI_STATUS_IGNORE);
    MPI_Sendrecv(&u[at(me.nx, 1)], 1, column, east, 1, &u[at(0, 1)], 1, column, west, 1, grid,
                 MPI_STATUS_IGNORE);
    MPI_Sendrecv(&u[at(1, 1)], row, MPI_DOUBLE, south, 2, &u[at(1, me.ny + 1)], row, MPI_DOUBLE,
                 north, 2, grid, MPI_STATUS_IGNORE);
    MPI_Sendrecv(&u[at(1, me.ny)], row, MPI_DOUBLE, north, 3, &u[at(1, 0)], row, MPI_DOUBLE, south,
                 3, grid, MPI_STATUS_IGNORE);
    const double* in = u.data();
    double* out = v.data();
    for (long j = 1; j <= me.ny; ++j) {
      const double* __restrict below = in + (j - 1) * rows;
      const double* __restrict mid = in + j * rows;
      const double* __restrict above = in + (j + 1) * rows;
      double* __restrict o = out + j * rows;
      for (long i = 1; i <= me.nx; ++i)
        o[i] = center * mid[i] + rx * (mid[i - 1] + mid[i + 1]) + ry * (below[i] + above[i]);
    }
    if (s % every == 0 || s == steps) {
      double local = 0;
      for (long j = 1; j <= me.ny; ++j)
        for (long i = 1; i <= me.nx; ++i) {
          auto d = out[at(i, j)] - in[at(i, j)];
          local += d * d;
        }
      double sum = 0;
      MPI_Allreduce(&local, &sum, 1, MPI_DOUBLE, MPI_SUM, grid);
      residual = std::sqrt(sum);
    }
    std::swap(u, v);
  }
  const double seconds = MPI_Wtime() - t0;

  // The whole field at rank 0, x fastest, for heat2d's checksum.
  std::vector<double> mine;
  mine.reserve(static_cast<std::size_t>(me.nx * me.ny));
  for (long j = 1; j <= me.ny; ++j)
    for (long i = 1; i <= me.nx; ++i)
      mine.push_back(u[at(i, j)]);
  std::vector<int> counts(static_cast<std::size_t>(size)), offsets(counts.size());
  for (int r = 0, total = 0; r < size; ++r) {
    auto e = block_of(nx, ny, px, py, r % px, r / px);
    counts[static_cast<std::size_t>(r)] = static_cast<int>(e.nx * e.ny);
    offsets[static_cast<std::size_t>(r)] = total;
    total += counts[static_cast<std::size_t>(r)];
  }
  std::vector<double> pieces(rank == 0 ? static_cast<std::size_t>(nx * ny) : 0);
  MPI_Gatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, pieces.data(), counts.data(),
              offsets.data(), MPI_DOUBLE, 0, grid);
  if (rank == 0) {
    std::vector<double> field(static_cast<std::size_t>(nx * ny));
    for (int r = 0; r < size; ++r) {
      auto e = block_of(nx, ny, px, py, r % px, r / px);
      const double* piece = pieces.data() + offsets[static_cast<std::size_t>(r)];
      for (long j = 0; j < e.ny; ++j)
        for (long i = 0; i < e.nx; ++i)
          field[static_cast<std::size_t>(e.x0 + i + nx * (e.y0 + j))] = piece[i + e.nx * j];
    }
    auto sum = fnv1a(field);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016" PRIx64, sum);
    char res[32];
    std::snprintf(res, sizeof res, "%.17g", residual);
    bench::report(
        "heat2d_2proc", "mpi", "cell_updates_per_s",
        {static_cast<double>(nx) * static_cast<double>(ny) * static_cast<double>(steps) / seconds},
        1,
        {{"processes", std::to_string(size)},
         {"layout", bench::json_string(std::to_string(px) + "x" + std::to_string(py))},
         {"checksum", bench::json_string(hex)},
         {"residual", bench::json_string(res)}});
  }
  MPI_Type_free(&column);
  MPI_Comm_free(&grid);
  MPI_Finalize();
  return 0;
}
