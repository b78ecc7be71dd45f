// bench_allreduce_mpi: latency of MPI_Allreduce of one double over MPI_COMM_WORLD (run with
// `mpirun -np 2`: Open MPI's shared memory between the ranks), back to back, as the mean over
// --rounds after --warmup rounds and a barrier, written as an MPI user writes it. Rank 0 prints
// one JSON line (../../shared/BENCH.md).
#include <mpi.h>

#include <common/bench.hpp>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  int size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  bench::options opt{argc, argv, {"rounds", "warmup", "impl"}};
  auto rounds = opt.get("rounds", 20000LL);
  auto warmup = opt.get("warmup", rounds / 10);
  double x = 1.0 + rank;
  double y = 0;
  double total = 0;
  for (long long k = 0; k < warmup; ++k) {
    MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    total += y;
  }
  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  for (long long k = 0; k < rounds; ++k) {
    MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    total += y;
  }
  double s = MPI_Wtime() - t0;
  if (rank == 0)
    bench::report("allreduce", opt.get("impl", std::string{"mpi"}), "latency_us",
                  {s / static_cast<double>(rounds) * 1e6}, static_cast<unsigned>(size),
                  {{"members", std::to_string(size)},
                   {"rounds", std::to_string(rounds)},
                   {"checksum", bench::number(total)}});
  MPI_Finalize();
  return 0;
}
