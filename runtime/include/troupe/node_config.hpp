/// @file
/// `troupe::node_config`: a node's options, from the command line and a config file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/config_option.hpp>
#include <caf/make_config_option.hpp>
#include <caf/message.hpp>

#include <troupe/endpoint.hpp>
#include <troupe/monitor_options.hpp>
#include <troupe/result.hpp>

namespace troupe {

class node;

namespace detail {
class node_state;

node_state* state_of(caf::actor_system& sys) noexcept;

/// The CAF meta state of an option of type `T`, owned by troupe (see `node_config::option`).
template <class T>
const caf::config_option::meta_state* option_meta() {
  using trait = caf::select_config_value_access_t<T>;
  static const caf::config_option::meta_state obj{
      caf::detail::check_impl<T>, caf::detail::store_impl<T>, caf::detail::get_impl<T>,
      caf::detail::parse_impl_delegate<T>, trait::type_name()};
  return &obj;
}
} // namespace detail

/// A factory for actors spawned by name (locally or from another node); see `make_factory`.
using actor_factory = std::function<caf::actor(caf::actor_system&, caf::message&)>;

/// A node's configuration: troupe's options, the program's own options, and CAF's keys.
///
/// Command-line flags take `--key value` or `--key=value`. Troupe's flags: `--threads N`
/// (workers, default one per core), `--listen HOST:PORT` (port 0 picks a free one),
/// `--join HOST:PORT`, `--join-timeout SECONDS` (default 10), `--config FILE` (CAF's INI
/// format), `--introspection BOOL` (default true), `--latency-mode BOOL` (idle workers spin
/// instead of sleeping: lower latency, busy cores), `--pin-workers BOOL|auto` (worker i runs
/// only on the i-th CPU the process may use; auto pins when there is one worker per such CPU;
/// default false), `--shutdown-timeout SECONDS` (how long the node's end waits for its actors,
/// default 5), `--slurm BOOL` and `--slurm-port PORT` (see `slurm`, `slurm_port`),
/// `--monitor HOST:PORT|off` with `--monitor-token-file FILE`,
/// `--monitor-allow-control`, `--monitor-timeout SECONDS` (the monitor endpoint,
/// docs/MONITOR.md), `--tls-cert FILE`, `--tls-key FILE`, `--tls-ca FILE` (mutual TLS on every
/// link; all three or none; config keys `openssl.certificate`, `openssl.key`, `openssl.cafile`)
/// and `--insecure` (allows a non-loopback `--listen` without TLS).
/// Any CAF key works too, e.g.
/// `--middleman.heartbeat-interval=500ms`.
///
/// ```cpp
/// troupe::node_config cfg{"pingpong", "plays ping-pong between two actors"};
/// int rounds = 10000;
/// cfg.option(rounds, "rounds", "round trips to play");
/// cfg.add_message_type<my_msg>("my_msg");
/// return troupe::run(cfg, argc, argv, [&](troupe::node& n) { ... return 0; });
/// ```
class node_config : public caf::actor_system_config {
public:
  explicit node_config(std::string program = "troupe", std::string description = "");

  /// Moves a configuration, e.g. into the node that starts from it (`node::start` takes its
  /// config by value). Parse before moving: CAF ties a few of its own options (`stream.*`,
  /// `openssl.*`) to fields of the object they were declared on, so parsing a moved-to config
  /// would store those into the moved-from one.
  node_config(node_config&&);

  ~node_config() override;

  /// Adds the program's own option `--name`, stored into `storage` when parsed.
  template <class T>
  node_config& option(T& storage, const char* name, const char* description) {
    // Through troupe's own meta state: CAF 0.17's shared one for bool, int64 and string is
    // filled at run time by the g++-built library and reads as empty from clang-built code.
    // String views get explicit lengths: CAF's takes a bare `const char*` only under GCC.
    custom_options_.add(caf::config_option{caf::string_view{"global", 6},
                                           caf::string_view{name, std::strlen(name)},
                                           caf::string_view{description, std::strlen(description)},
                                           detail::option_meta<T>(), &storage});
    return *this;
  }

  /// Registers `factory` under `type` for every node started from this config, so that
  /// `spawn_remote(type)` from other nodes works as soon as the node listens or joins.
  ///
  /// ```cpp
  /// cfg.add_actor_type("adder", troupe::make_factory<int>(adder));   // adder(self, int)
  /// ```
  node_config& add_actor_type(std::string type, actor_factory factory) {
    actor_types[std::move(type)] = std::move(factory);
    return *this;
  }

  /// Parses `argv` (and the `--config` file): fills the fields below or returns an error
  /// naming the flag. `--help` returns `errc::help_requested` with the help text.
  result<void> parse_args(int argc, const char* const* argv);

  /// The help text listing troupe's and the program's options.
  [[nodiscard]] std::string help_text() const;

  /// The help text, with every CAF option too when `with_caf_options` (`--long-help`).
  [[nodiscard]] std::string help_text(bool with_caf_options) const;

  std::string program;
  std::string description;
  /// Worker threads; 0 until parsed means one per core.
  std::size_t threads = 0;
  std::optional<endpoint> listen;
  std::optional<endpoint> join;
  double join_timeout_s = 10.0;
  /// How long the node's end (`node::shutdown`, the destructor) waits for its actors to end
  /// before it names those still running on stderr and stops waiting (see `node::shutdown`).
  double shutdown_timeout_s = 5.0;
  std::string config_file;
  bool introspection = true;
  bool latency_mode = false;
  /// Pin worker i to the i-th CPU in the process's affinity mask; unset (auto) pins when the
  /// worker count equals the number of CPUs in that mask. Off by default: pinned nodes sharing
  /// a host stack their workers on the same CPUs (docs/PERFORMANCE.md).
  std::optional<bool> pin_workers = false;
  /// This process's rank among the `size` processes of its job, from TROUPE_RANK and
  /// TROUPE_SIZE (set by troupe-run) or, under Slurm, SLURM_PROCID and SLURM_NTASKS; read by
  /// `parse_args`. A node started alone is rank 0 of 1.
  std::size_t rank = 0;
  std::size_t size = 1;
  /// Under Slurm (SLURM_PROCID, SLURM_NTASKS, SLURM_STEP_NODELIST set) and with neither
  /// `--listen` nor `--join`, `parse_args` makes rank 0 listen on the step's first host at
  /// `slurm_port` and the others join it there (`--slurm false` turns that off).
  bool slurm = true;
  /// The port of that listener (`--slurm-port`); unset: 10000 + 10 * (SLURM_JOB_ID mod 2000)
  /// + (SLURM_STEP_ID mod 10), so that two job steps sharing a host use different ports.
  std::optional<std::uint16_t> slurm_port;
  /// The monitor endpoint: on 127.0.0.1 with a free port unless `--monitor off`.
  monitor_options monitor;
  /// Mutual TLS (`--tls-cert`, `--tls-key`, `--tls-ca`): this node's certificate (PEM), its
  /// private key (PEM), and the CA certificate (PEM) that every peer's certificate must be
  /// signed by. All three or none. `parse_args` copies them into CAF's `openssl_certificate`,
  /// `openssl_key` and `openssl_cafile` (the config keys `openssl.certificate`, `openssl.key`,
  /// `openssl.cafile`), which the node reads at its start.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  /// Listen on a non-loopback address without TLS (`--insecure`): any host that reaches the
  /// port can join the cluster and run the registered actor types.
  bool insecure = false;
  /// Actor types registered with `add_actor_type`, copied into the node at its start.
  std::map<std::string, actor_factory> actor_types;

private:
  friend class node;
  friend detail::node_state* detail::state_of(caf::actor_system& sys) noexcept;

  void apply_scheduler_settings();

  void apply_network_settings();

  // The state of the node that owns this config, for actors that find their node through
  // their actor system's config (set by `troupe::node`).
  detail::node_state* state = nullptr;
};

} // namespace troupe
