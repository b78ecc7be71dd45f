// A node's place in a job: rank and size from troupe-run or Slurm, and under Slurm where to
// listen or whom to join.
#include "internal/node_launch.hpp"

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "internal/hostlist.hpp"

namespace troupe::detail {

namespace {

std::string quoted(std::string_view v) {
  return "'" + std::string{v} + "'";
}

// The whole number in `v`, or nothing.
std::optional<std::uint64_t> whole_number(std::string_view v) {
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size())
    return std::nullopt;
  return n;
}

// A job's rank and size as given by the two variables `rank_var` and `size_var`.
struct placement {
  std::size_t rank = 0;
  std::size_t size = 1;
};

result<placement> read_placement(const env_lookup& env, const char* rank_var, const char* size_var,
                                 std::string_view what_to_do) {
  placement out;
  const char* rank_text = env(rank_var);
  const char* size_text = env(size_var);
  if (size_text != nullptr) {
    auto n = whole_number(size_text);
    if (!n || *n == 0)
      return error{errc::bad_option, std::string{size_var} +
                                         " must be a positive whole number (got " +
                                         quoted(size_text) + "); " + std::string{what_to_do}};
    out.size = *n;
  }
  if (rank_text != nullptr) {
    auto r = whole_number(rank_text);
    if (!r)
      return error{errc::bad_option, std::string{rank_var} + " must be a whole number (got " +
                                         quoted(rank_text) + "); " + std::string{what_to_do}};
    out.rank = *r;
  }
  if (out.rank >= out.size)
    return error{errc::bad_option,
                 std::string{rank_var} + " must be below " + size_var + " (got " +
                     std::to_string(out.rank) + " and " +
                     (size_text != nullptr ? std::to_string(out.size) : "unset, so 1") + "); " +
                     std::string{what_to_do}};
  return out;
}

result<std::uint16_t> slurm_port(const node_config& cfg, const env_lookup& env) {
  if (cfg.slurm_port)
    return *cfg.slurm_port;
  const char* job = env("SLURM_JOB_ID");
  auto job_id = job != nullptr ? whole_number(job) : std::nullopt;
  if (!job_id)
    return error{errc::bad_option,
                 "SLURM_JOB_ID must be a whole number under Slurm (got " +
                     (job != nullptr ? quoted(job) : std::string{"nothing"}) +
                     "); the default port comes from it: give --slurm-port PORT instead"};
  const char* step = env("SLURM_STEP_ID");
  auto step_id = step != nullptr ? whole_number(step) : std::optional<std::uint64_t>{0};
  if (!step_id)
    return error{errc::bad_option,
                 "SLURM_STEP_ID must be a whole number (got " + quoted(step) +
                     "); the default port comes from it: give --slurm-port PORT instead"};
  return slurm_default_port(*job_id, *step_id);
}

constexpr std::string_view slurm_advice =
    "run under srun, or give --listen/--join (or --slurm false) to wire this node yourself";

result<void> apply_slurm(node_config& cfg, const env_lookup& env) {
  auto placed = read_placement(env, "SLURM_PROCID", "SLURM_NTASKS", slurm_advice);
  if (!placed)
    return placed.error();
  const char* nodelist = env("SLURM_STEP_NODELIST");
  auto hosts = hostlist::parse(nodelist);
  if (!hosts)
    return error{errc::bad_option,
                 "SLURM_STEP_NODELIST " + quoted(nodelist) +
                     " is not a Slurm hostlist: " + hosts.error().message() +
                     "; it should look like node[01-04,07] (or give --listen/--join, or "
                     "--slurm false, to wire this node yourself)"};
  auto port = slurm_port(cfg, env);
  if (!port)
    return port.error();
  cfg.rank = placed->rank;
  cfg.size = placed->size;
  endpoint first{hosts->first(), *port};
  if (cfg.rank == 0)
    cfg.listen = first;
  else
    cfg.join = first;
  return {};
}

} // namespace

std::uint16_t slurm_default_port(std::uint64_t job_id, std::uint64_t step_id) noexcept {
  return static_cast<std::uint16_t>(10000 + 10 * (job_id % 2000) + step_id % 10);
}

result<void> apply_launch_environment(node_config& cfg, const env_lookup& env) {
  auto placed = read_placement(env, "TROUPE_RANK", "TROUPE_SIZE",
                               "troupe-run sets both; unset them to start a single node");
  if (!placed)
    return placed.error();
  cfg.rank = placed->rank;
  cfg.size = placed->size;
  bool under_slurm = env("SLURM_PROCID") != nullptr && env("SLURM_NTASKS") != nullptr &&
                     env("SLURM_STEP_NODELIST") != nullptr;
  if (under_slurm && cfg.slurm && !cfg.listen && !cfg.join)
    return apply_slurm(cfg, env);
  return {};
}

} // namespace troupe::detail
