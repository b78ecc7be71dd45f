// troupe-run's command line, and finding PROGRAM the way a shell would.
#include "options.hpp"

#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>

#include <sys/stat.h>
#include <unistd.h>

namespace troupe_run {

namespace {

constexpr std::size_t max_ranks = 1024;

constexpr std::string_view usage_text =
    "usage: troupe-run -n N [--grace SECONDS] [--respawn K] PROGRAM ARGS...\n"
    "Starts N processes of the troupe program PROGRAM on this machine, wired as one cluster:\n"
    "rank 0 gets ARGS... --listen 127.0.0.1:0, and once it prints 'listening on HOST:PORT'\n"
    "ranks 1..N-1 get ARGS... --join HOST:PORT. Each process has TROUPE_RANK and TROUPE_SIZE\n"
    "in its environment, and each line it prints comes out prefixed with its rank ('[1] ').\n"
    "SIGINT and SIGTERM are passed on to every process. When one fails (non-zero exit or\n"
    "killed), the others get SIGTERM, then SIGKILL after the grace period, and troupe-run\n"
    "exits with the first failure's code (128+N for signal N); 0 when all succeed.\n"
    "\n"
    "options:\n"
    "  -n N              how many processes (1 to 1024)\n"
    "  --grace SECONDS   how long the others get to end after SIGTERM (default 3)\n"
    "  --respawn K       when the job fails (a rank killed or lost, or exiting with a code\n"
    "                    other than 2), start it again, up to K times, resuming from its\n"
    "                    newest checkpoint: ARGS must give PROGRAM's --checkpoint-dir DIR,\n"
    "                    and each relaunch gets --resume (default 0: never)\n"
    "  --help            print this text\n";

parsed fail(std::string line) {
  return parsed{{}, "troupe-run: " + line + "\n", 2};
}

std::string quoted(std::string_view v) {
  return "'" + std::string{v} + "'";
}

// Why `path` cannot be run, or "" when it can.
std::string why_not_runnable(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return "does not exist";
  if (S_ISDIR(st.st_mode))
    return "is a directory";
  if (::access(path.c_str(), X_OK) != 0)
    return "is not executable";
  return {};
}

// PROGRAM's path, or the line saying why there is none.
parsed resolve(parsed p) {
  auto& name = p.options.program;
  if (name.find('/') != std::string::npos) {
    if (auto why = why_not_runnable(name); !why.empty())
      return fail("PROGRAM " + quoted(name) + " " + why +
                  "; give the path of an executable troupe program");
    p.options.path = name;
    return p;
  }
  const char* path_var = std::getenv("PATH");
  std::string_view dirs = path_var != nullptr ? path_var : "/usr/local/bin:/usr/bin:/bin";
  std::string found_but;
  for (std::size_t pos = 0; pos <= dirs.size();) {
    auto colon = dirs.find(':', pos);
    auto dir = dirs.substr(pos, colon == std::string_view::npos ? colon : colon - pos);
    auto candidate = (dir.empty() ? std::string{"."} : std::string{dir}) + "/" + name;
    auto why = why_not_runnable(candidate);
    if (why.empty()) {
      p.options.path = candidate;
      return p;
    }
    if (why != "does not exist" && found_but.empty())
      found_but = candidate + " " + why;
    if (colon == std::string_view::npos)
      break;
    pos = colon + 1;
  }
  if (!found_but.empty())
    return fail("PROGRAM " + quoted(name) + ": " + found_but +
                "; give the path of an executable troupe program");
  return fail("PROGRAM " + quoted(name) + " is not found in PATH; give its path (e.g. ./" + name +
              ")");
}

// `v` as a whole number from `least` to `most`, or nothing.
std::optional<std::size_t> whole_number(std::string_view v, std::size_t least, std::size_t most) {
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || n < least || n > most)
    return std::nullopt;
  return n;
}

// Whether ARGS give the program a checkpoint directory to resume from.
bool names_checkpoint_dir(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i)
    if ((args[i] == "--checkpoint-dir" && i + 1 < args.size()) ||
        args[i].starts_with("--checkpoint-dir="))
      return true;
  return false;
}

std::optional<std::chrono::milliseconds> seconds(std::string_view v) {
  double s = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || !(s >= 0) || s > 3600)
    return std::nullopt;
  return std::chrono::milliseconds{static_cast<long>(s * 1000)};
}

} // namespace

parsed parse_command_line(int argc, const char* const* argv) {
  parsed p;
  bool have_n = false;
  int i = 1;
  // The value of the option at argv[i]: after '=' or glued (`-n3`), else the next argument.
  auto value = [&](std::string_view arg, std::size_t name_len) -> std::optional<std::string_view> {
    if (arg.size() > name_len)
      return arg.substr(arg[name_len] == '=' ? name_len + 1 : name_len);
    if (i + 1 < argc)
      return std::string_view{argv[++i]};
    return std::nullopt;
  };
  for (; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h")
      return parsed{{}, std::string{usage_text}, 0};
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.substr(0, 2) == "-n" && (arg.size() == 2 || arg[2] != '-')) {
      auto v = value(arg, 2);
      auto n = v ? whole_number(*v, 1, max_ranks) : std::nullopt;
      if (!n)
        return fail("-n must be a whole number of processes from 1 to " +
                    std::to_string(max_ranks) + " (got " + (v ? quoted(*v) : "nothing") + ")");
      p.options.ranks = *n;
      have_n = true;
    } else if (arg.substr(0, 7) == "--grace" && (arg.size() == 7 || arg[7] == '=')) {
      auto v = value(arg, 7);
      auto s = v ? seconds(*v) : std::nullopt;
      if (!s)
        return fail("--grace must be a number of seconds from 0 to 3600 (got " +
                    (v ? quoted(*v) : "nothing") + ")");
      p.options.grace = *s;
    } else if (arg.substr(0, 9) == "--respawn" && (arg.size() == 9 || arg[9] == '=')) {
      auto v = value(arg, 9);
      auto k = v ? whole_number(*v, 0, 1000) : std::nullopt;
      if (!k)
        return fail("--respawn must be a whole number of relaunches from 0 to 1000 (got " +
                    (v ? quoted(*v) : "nothing") + ")");
      p.options.respawns = *k;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return fail("unknown option " + quoted(arg) + " before PROGRAM (see --help)");
    } else {
      break;
    }
  }
  if (!have_n)
    return fail("-n is missing: say how many processes to start, e.g. troupe-run -n 3 PROGRAM "
                "ARGS... (see --help)");
  if (i >= argc)
    return fail("PROGRAM is missing: give the troupe program to start, e.g. troupe-run -n 3 "
                "./build-dev/examples/hello/hello (see --help)");
  p.options.program = argv[i];
  p.options.args.assign(argv + i + 1, argv + argc);
  if (p.options.respawns > 0 && !names_checkpoint_dir(p.options.args))
    return fail("--respawn needs PROGRAM's --checkpoint-dir DIR among ARGS: a relaunched job "
                "resumes from its newest checkpoint there");
  return resolve(std::move(p));
}

} // namespace troupe_run
