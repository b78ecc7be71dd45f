// Internal: how a node learns its place in a job from its environment (troupe-run's
// TROUPE_RANK/TROUPE_SIZE, Slurm's SLURM_* variables).
#pragma once

#include <cstdint>
#include <functional>

#include <troupe/node_config.hpp>
#include <troupe/result.hpp>

namespace troupe::detail {

/// The value of an environment variable, or nullptr when it is unset (`::getenv` in a node;
/// a table in tests).
using env_lookup = std::function<const char*(const char*)>;

/// Sets `cfg.rank` and `cfg.size` from TROUPE_RANK and TROUPE_SIZE when set. Under Slurm
/// (SLURM_PROCID, SLURM_NTASKS and SLURM_STEP_NODELIST all set, `cfg.slurm`, neither `listen`
/// nor `join` given) takes rank and size from Slurm instead, and makes rank 0 listen on the
/// step's first host at the Slurm port and every other rank join it there. An error names the
/// variable, the value and what to do.
result<void> apply_launch_environment(node_config& cfg, const env_lookup& env);

/// The port a Slurm job step's rank 0 listens on when `--slurm-port` is not given:
/// 10000 + 10 * (SLURM_JOB_ID mod 2000) + (SLURM_STEP_ID mod 10), in 10000..29999 (below
/// Linux's ephemeral ports). Two steps sharing a host get different ports unless their job ids
/// are equal modulo 2000 and their step ids modulo 10.
std::uint16_t slurm_default_port(std::uint64_t job_id, std::uint64_t step_id) noexcept;

} // namespace troupe::detail
