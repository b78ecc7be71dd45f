// troupe's own command-line flags: what each takes and where its value goes.
#include "internal/node_flags.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <thread>

#include <caf/settings.hpp>

namespace troupe::detail {

namespace {

constexpr std::size_t max_threads = 4096;

std::string quoted(std::string_view v) {
  return "'" + std::string{v} + "'";
}

// A whole number in [1, max_threads], or nothing.
std::optional<std::size_t> thread_count(std::string_view v) {
  unsigned long n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || n == 0 || n > max_threads)
    return std::nullopt;
  return n;
}

result<void> set_threads(node_config& cfg, std::string_view v) {
  auto n = thread_count(v);
  if (!n)
    return error{errc::bad_option,
                 "--threads must be a whole number from 1 to 4096 (got " + quoted(v) + ")"};
  cfg.threads = *n;
  return {};
}

template <std::optional<endpoint> node_config::*Field>
result<void> set_endpoint(node_config& cfg, std::string_view v) {
  auto ep = parse_endpoint(v, Field == &node_config::listen ? "--listen" : "--join");
  if (!ep)
    return ep.error();
  cfg.*Field = std::move(*ep);
  return {};
}

template <double node_config::*Field>
result<void> set_seconds(node_config& cfg, std::string_view v) {
  double s = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
  if (ec != std::errc{} || p != v.data() + v.size() || !(s > 0) || s > 1e6)
    return error{errc::bad_option,
                 std::string{Field == &node_config::join_timeout_s ? "--join-timeout"
                                                                   : "--shutdown-timeout"} +
                     " must be a positive number of seconds (got " + quoted(v) + ")"};
  cfg.*Field = s;
  return {};
}

template <std::string node_config::*Field>
result<void> set_file(node_config& cfg, std::string_view v) {
  cfg.*Field = std::string{v};
  return {};
}

// The flag of a boolean field.
template <bool node_config::*Field>
constexpr std::string_view bool_flag() {
  if (Field == &node_config::introspection)
    return "introspection";
  if (Field == &node_config::latency_mode)
    return "latency-mode";
  if (Field == &node_config::slurm)
    return "slurm";
  return "insecure";
}

template <bool node_config::*Field>
result<void> set_bool(node_config& cfg, std::string_view v) {
  auto b = parse_bool(bool_flag<Field>(), v);
  if (!b)
    return b.error();
  cfg.*Field = *b;
  return {};
}

result<void> set_pin_workers(node_config& cfg, std::string_view v) {
  if (v == "auto") {
    cfg.pin_workers.reset();
    return {};
  }
  auto b = parse_bool("pin-workers", v);
  if (!b)
    return error{errc::bad_option,
                 "--pin-workers must be true, false or auto (got " + quoted(v) + ")"};
  cfg.pin_workers = *b;
  return {};
}

result<void> set_slurm_port(node_config& cfg, std::string_view v) {
  unsigned long n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || n == 0 || n > 65535)
    return error{errc::bad_option,
                 "--slurm-port must be a port number from 1 to 65535 (got " + quoted(v) + ")"};
  cfg.slurm_port = static_cast<std::uint16_t>(n);
  return {};
}

result<void> set_monitor(node_config& cfg, std::string_view v) {
  if (v == "off") {
    cfg.monitor.address.reset();
    return {};
  }
  auto ep = parse_endpoint(v, "--monitor");
  if (!ep)
    return error{errc::bad_option, ep.error().message() + "; or --monitor off"};
  cfg.monitor.address = std::move(*ep);
  return {};
}

result<void> set_monitor_token_file(node_config& cfg, std::string_view v) {
  cfg.monitor.token_file = std::string{v};
  return {};
}

result<void> set_monitor_allow_control(node_config& cfg, std::string_view v) {
  auto b = parse_bool("monitor-allow-control", v);
  if (!b)
    return b.error();
  cfg.monitor.allow_control = *b;
  return {};
}

result<void> set_monitor_timeout(node_config& cfg, std::string_view v) {
  double s = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
  if (ec != std::errc{} || p != v.data() + v.size() || !(s > 0) || s > 1e6)
    return error{errc::bad_option,
                 "--monitor-timeout must be a positive number of seconds (got " + quoted(v) + ")"};
  cfg.monitor.timeout_s = s;
  return {};
}

constexpr std::array flags{
    troupe_flag{"threads", "N", "worker threads (default: one per core)", &set_threads},
    troupe_flag{"listen", "HOST:PORT", "accept nodes on HOST:PORT (port 0 picks a free one)",
                &set_endpoint<&node_config::listen>},
    troupe_flag{"join", "HOST:PORT", "join the node listening on HOST:PORT",
                &set_endpoint<&node_config::join>},
    troupe_flag{"join-timeout", "SECONDS", "how long --join retries (default 10)",
                &set_seconds<&node_config::join_timeout_s>},
    troupe_flag{"config", "FILE", "read options from FILE (CAF's INI format)",
                &set_file<&node_config::config_file>},
    troupe_flag{"introspection", "BOOL", "record per-actor data for snapshots (default true)",
                &set_bool<&node_config::introspection>},
    troupe_flag{"latency-mode", "BOOL", "idle workers spin instead of sleeping (default false)",
                &set_bool<&node_config::latency_mode>},
    troupe_flag{"pin-workers", "BOOL|auto",
                "pin worker i to the i-th CPU this process may use; auto: only when there is one "
                "worker per such CPU (default false)",
                &set_pin_workers},
    troupe_flag{"shutdown-timeout", "SECONDS",
                "how long the node's end waits for its actors before it names those still "
                "running and stops waiting (default 5)",
                &set_seconds<&node_config::shutdown_timeout_s>},
    troupe_flag{"slurm", "BOOL",
                "under srun without --listen/--join: rank 0 listens on the step's first host, "
                "the others join it (default true)",
                &set_bool<&node_config::slurm>},
    troupe_flag{"slurm-port", "PORT",
                "the port of that listener (default 10000 + 10 * (SLURM_JOB_ID mod 2000) + "
                "(SLURM_STEP_ID mod 10))",
                &set_slurm_port},
    troupe_flag{"monitor", "HOST:PORT|off",
                "serve the monitor endpoint there (default 127.0.0.1:0, a free port; see "
                "docs/MONITOR.md)",
                &set_monitor},
    troupe_flag{"monitor-token-file", "FILE",
                "require the bearer token in FILE (mode 600, at least 32 hex digits); needed for "
                "a non-loopback --monitor",
                &set_monitor_token_file},
    troupe_flag{"monitor-allow-control", "[BOOL]",
                "serve the monitor's requests that change the node (default false: read-only)",
                &set_monitor_allow_control},
    troupe_flag{"monitor-timeout", "SECONDS",
                "close monitor connections idle, or sending a request, this long (default 5)",
                &set_monitor_timeout},
    troupe_flag{"tls-cert", "FILE",
                "this node's certificate (PEM): mutual TLS on every link, with --tls-key and "
                "--tls-ca (scripts/dev-ca makes them; config key openssl.certificate)",
                &set_file<&node_config::tls_cert>},
    troupe_flag{"tls-key", "FILE", "the private key of --tls-cert (PEM; config key openssl.key)",
                &set_file<&node_config::tls_key>},
    troupe_flag{"tls-ca", "FILE",
                "the CA certificate (PEM) that signs every member's certificate (config key "
                "openssl.cafile)",
                &set_file<&node_config::tls_ca>},
    troupe_flag{"insecure", "[BOOL]",
                "allow a non-loopback --listen (or join) without TLS: anyone reaching the port "
                "can join (default false)",
                &set_bool<&node_config::insecure>},
};

} // namespace

std::span<const troupe_flag> troupe_flags() noexcept {
  return flags;
}

const troupe_flag* find_troupe_flag(std::string_view name) noexcept {
  auto i = std::find_if(flags.begin(), flags.end(),
                        [name](const troupe_flag& f) { return f.name == name; });
  return i != flags.end() ? &*i : nullptr;
}

result<bool> parse_bool(std::string_view flag, std::string_view v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on")
    return true;
  if (v == "false" || v == "0" || v == "no" || v == "off")
    return false;
  return error{errc::bad_option,
               "--" + std::string{flag} + " must be true or false (got " + quoted(v) + ")"};
}

result<std::size_t> worker_threads(const node_config& cfg) {
  if (cfg.threads > 0)
    return cfg.threads;
  if (auto n = caf::get_if<std::size_t>(&cfg.content, "scheduler.max-threads")) {
    if (*n == 0 || *n > max_threads)
      return error{errc::bad_option,
                   "scheduler.max-threads must be a whole number from 1 to 4096 (got " +
                       std::to_string(*n) + ")"};
    return *n;
  }
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

} // namespace troupe::detail
