/// @file
/// The actor systems a benchmark compares: a troupe node (with or without introspection), raw
/// CAF with its own defaults but one worker per core (`caf`), and raw CAF with troupe's
/// scheduler settings (`caf-tuned`).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <troupe/troupe.hpp>

namespace bench {

/// Parses `args` (command-line flags) into a fresh node_config, as a user's `main` would.
/// Flags in the environment variable BENCH_TROUPE_FLAGS (split at spaces) come after them:
/// how bench/run-all compares scheduler settings without recompiling, e.g.
/// BENCH_TROUPE_FLAGS="--work-stealing.moderate-poll-attempts=500".
inline std::unique_ptr<troupe::node_config> troupe_config(const std::vector<std::string>& args) {
  auto cfg = std::make_unique<troupe::node_config>("bench");
  std::vector<std::string> extra;
  if (const char* env = std::getenv("BENCH_TROUPE_FLAGS")) {
    std::istringstream in{env};
    for (std::string f; in >> f;)
      extra.push_back(f);
  }
  std::vector<const char*> argv{"bench"};
  for (auto& a : args)
    argv.push_back(a.c_str());
  for (auto& a : extra)
    argv.push_back(a.c_str());
  if (auto ok = cfg->parse_args(static_cast<int>(argv.size()), argv.data()); !ok) {
    std::fprintf(stderr, "bench: %s\n", ok.error().message().c_str());
    std::exit(2);
  }
  return cfg;
}

/// A troupe node.
struct troupe_system {
  explicit troupe_system(const std::vector<std::string>& args) {
    auto n = troupe::node::start(std::move(*troupe_config(args)));
    if (!n) {
      std::fprintf(stderr, "bench: %s\n", n.error().message().c_str());
      std::exit(2);
    }
    node.emplace(std::move(*n));
  }

  caf::actor_system& sys() {
    return node->system();
  }

  std::optional<troupe::node> node;
};

/// Flags for a troupe node with `threads` workers (and introspection on or off).
inline std::vector<std::string> troupe_args(unsigned threads, bool introspection = true) {
  return {"--threads", std::to_string(threads), "--introspection",
          introspection ? "true" : "false"};
}

/// A raw CAF actor system. `tuned` takes troupe's scheduler settings (through node_config,
/// so it follows whatever node_config::apply_scheduler_settings sets); otherwise CAF's
/// defaults with `scheduler.max-threads` set to `threads` (BENCH.md: same worker count).
struct caf_system {
  caf_system(unsigned threads, bool tuned) {
    if (tuned) {
      cfg = troupe_config({"--threads", std::to_string(threads)});
    } else {
      cfg = std::make_unique<caf::actor_system_config>();
      cfg->set("scheduler.max-threads", threads);
    }
    system.emplace(*cfg);
  }

  caf::actor_system& sys() {
    return *system;
  }

  std::unique_ptr<caf::actor_system_config> cfg;
  std::optional<caf::actor_system> system;
};

} // namespace bench
