/// @file
/// `troupe::actors::role_of`, `run_members`, `serve`: one run over the processes of a job
/// (`troupe-run -n N`, Slurm), or over a process and the one it joined.
#pragma once

#include <cstdint>
#include <vector>

#include <troupe/actors/hosted.hpp>
#include <troupe/cluster.hpp>
#include <troupe/node.hpp>
#include <troupe/result.hpp>
#include <troupe/task.hpp>

namespace troupe::actors {

/// What a process does for a run: drive it (spawn the parts or workers on every member, wait,
/// report) or serve the parts another process's driver places on it.
enum class job_role : std::uint8_t { drive, serve };

/// Rank 0 of a job of several processes drives and the other ranks serve. A process started
/// alone serves when it listens without joining (`--listen`: the process that joins it
/// drives), and drives otherwise.
job_role role_of(const node& n);

/// The members a run spreads over: this node first, then the other members up, in node-id
/// order. In a job of N processes it first waits, at most `timeout`, until all N are members;
/// an error says how many came.
result<std::vector<member>> run_members(node& n, duration timeout);

/// `run_members` from a coroutine: waits for the job's processes without holding a worker.
task<result<std::vector<member>>> run_members(context& self, node& n, duration timeout);

/// A serving process's `main`: in a job, blocks until the driving node (the one this node
/// joined) ends, and yields an error naming it when it was lost instead of leaving; a process
/// started alone with `--listen` blocks until the parts it hosted ended (`hosted::wait`).
///
/// ```cpp
/// if (ta::role_of(n) == ta::job_role::serve)
///   return ta::serve(n, served) ? 0 : 1;
/// ```
result<void> serve(node& n, hosted& served);

} // namespace troupe::actors
