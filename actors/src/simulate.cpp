#include <troupe/actors/simulate.hpp>

#include <filesystem>
#include <system_error>

#include "internal/checkpoint_manifest.hpp"

namespace troupe::actors {

namespace fs = std::filesystem;

void run_options::add_to(node_config& cfg) {
  add_driver_types(cfg);
  cfg.option(checkpoint_dir, "checkpoint-dir",
             "write checkpoints into DIR (the newest two are kept): at the last step, and every "
             "--checkpoint-every steps");
  cfg.option(checkpoint_every, "checkpoint-every",
             "steps between checkpoints, a multiple of --boundary-every (default 0: only the "
             "last step)");
  cfg.option(restart, "restart", "resume from the newest valid checkpoint in DIR");
  cfg.option(resume, "resume",
             "resume from the newest valid checkpoint in --checkpoint-dir if it holds one "
             "(else as --restart says, or from the start); troupe-run --respawn adds it");
  cfg.option(boundary_every, "boundary-every",
             "steps between the driver's step boundaries, where parameter changes, pause, stop "
             "and checkpoints take effect (default 10)");
  cfg.option(progress, "progress",
             "progress on stderr: auto (a bar on a terminal, else lines), bar, lines or off "
             "(default auto)");
  cfg.option(placement, "placement",
             "how parts spread over this node and the --join one: block or round-robin "
             "(default block)");
}

result<void> run_options::apply(driver_config& dc) const {
  auto bad = [](std::string why) {
    return error{std::make_error_code(std::errc::invalid_argument), std::move(why)};
  };
  if (boundary_every <= 0)
    return bad("--boundary-every must be positive (got " + std::to_string(boundary_every) + ")");
  if (checkpoint_every < 0 || checkpoint_every % boundary_every != 0)
    return bad("--checkpoint-every " + std::to_string(checkpoint_every) +
               " must be 0 or a positive multiple of --boundary-every " +
               std::to_string(boundary_every) + " (checkpoints are taken at step boundaries)");
  if (checkpoint_every > 0 && checkpoint_dir.empty())
    return bad("--checkpoint-every needs --checkpoint-dir DIR to write into");
  if (resume && checkpoint_dir.empty())
    return bad("--resume needs --checkpoint-dir DIR to resume from");
  auto shown = parse_progress(progress);
  if (!shown)
    return shown.error();
  auto where = parse_placement(placement);
  if (!where)
    return bad("--" + where.error().message());
  dc.every = boundary_every;
  dc.checkpoint_dir = checkpoint_dir;
  dc.checkpoint_every = checkpoint_every;
  dc.progress = *shown;
  dc.where = *where;
  return {};
}

namespace {

// Whether `dir` holds a checkpoint directory (valid or not: `load_restart` tells).
bool holds_checkpoint(const std::string& dir) {
  std::error_code ec;
  for (fs::directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec))
    if (detail::step_of_dir_name(it->path().filename().string()) && it->is_directory(ec))
      return true;
  return false;
}

// The user's to fix: a flag, a directory, a checkpoint (std::errc, or already bad_option).
error as_bad_option(const error& e, const std::string& prefix = {}) {
  if (e.code().category() != std::generic_category() && e != errc::bad_option)
    return e;
  return error{errc::bad_option, prefix + e.message()};
}

} // namespace

result<std::optional<restart_point>> run_options::restart_from(const driver_config& dc) const {
  auto dir = restart;
  auto flag = std::string{"--restart "};
  if (resume && holds_checkpoint(checkpoint_dir)) {
    dir = checkpoint_dir;
    flag = "--resume: --checkpoint-dir ";
  }
  if (dir.empty())
    return std::optional<restart_point>{};
  auto found = load_restart(dir, dc.label, dc.layout, dc.parts);
  if (!found)
    return as_bad_option(found.error(), flag + dir + ": ");
  if (found->step > dc.steps)
    return error{errc::bad_option, flag + dir + ": the checkpoint is at step " +
                                       std::to_string(found->step) + ", past --steps " +
                                       std::to_string(dc.steps) + "; ask for at least " +
                                       std::to_string(found->step) + " steps"};
  return std::optional<restart_point>{std::move(*found)};
}

result<driver_summary> simulate(node& n, const run_options& opts, driver_config dc,
                                const caf::message& args) {
  if (auto ok = opts.apply(dc); !ok)
    return as_bad_option(ok.error());
  auto from = opts.restart_from(dc);
  if (!from)
    return from.error();
  auto run = driver::start(n, dc, args, std::move(*from));
  if (!run)
    return as_bad_option(run.error());
  return run->wait();
}

} // namespace troupe::actors
