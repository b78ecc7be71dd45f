// troupe::node: starting a node from its configuration, and what it tells about itself.
#include <troupe/node.hpp>

#include <algorithm>
#include <iostream>

#include <caf/defaults.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include <troupe/detail/kernel.hpp>
#include <troupe/remote.hpp>

#include "internal/monitor.hpp"
#include "internal/node_flags.hpp"
#include "internal/node_state.hpp"
#include "internal/scheduler.hpp"
#include "internal/tls.hpp"

namespace troupe {

node::node(std::unique_ptr<detail::node_state> state)
  : state_(std::move(state)) {
}

node::node(node&&) noexcept = default;

node& node::operator=(node&& other) noexcept {
  if (this != &other) {
    shutdown();
    state_ = std::move(other.state_);
  }
  return *this;
}

node::~node() {
  shutdown();
}

result<node> node::start(node_config cfg, int argc, const char* const* argv) {
  if (auto parsed = cfg.parse_args(argc, argv); !parsed)
    return parsed.error();
  return start(std::move(cfg));
}

result<node> node::start(node_config config) {
  // The actor system keeps a reference to its config: give it one at a fixed address.
  auto st = std::make_unique<detail::node_state>(std::make_unique<node_config>(std::move(config)));
  auto& cfg = *st->cfg;
  auto threads = detail::worker_threads(cfg);
  if (!threads)
    return threads.error();
  cfg.threads = *threads;
  cfg.apply_scheduler_settings();
  cfg.apply_network_settings();
  auto tls = detail::configure_tls(cfg);
  if (!tls)
    return tls.error();
  st->tls = *tls;
  cfg.load<caf::io::middleman>();
  if (st->tls) {
    cfg.load<caf::openssl::manager>();
    detail::report_tls_refusals(cfg);
  }
  // CAF builds its own scheduler only when no module gave one: troupe's (CAF's work stealing
  // with a cheaper clock, internal/scheduler.hpp) replaces CAF's; work sharing stays CAF's.
  auto policy = caf::get_or(cfg, "scheduler.policy", caf::defaults::scheduler::policy);
  if (policy == caf::atom("stealing"))
    cfg.load<detail::coordinator>();
  st->factories.insert(cfg.actor_types.begin(), cfg.actor_types.end());
  cfg.state = st.get();
  st->sys = std::make_unique<caf::actor_system>(cfg);
  node result_node{std::move(st)};
  auto& state = *result_node.state_;
  if (auto pinned = detail::pin_workers(*state.sys, cfg.pin_workers); !pinned)
    return pinned.error();
  state.spawner = spawn(*state.sys, spawn_options{.name = "troupe.spawner", .type = "spawner"},
                        detail::spawner, &state);
  state.sys->registry().put(spawner_name, caf::actor_cast<caf::strong_actor_ptr>(state.spawner));
  // The monitor first: the node's membership card names its address.
  if (auto monitored = detail::monitor::start_monitor(state); !monitored)
    return monitored.error();
  if (auto started = detail::start_cluster(state); !started)
    return started.error();
  if (cfg.join) {
    auto timeout = std::chrono::milliseconds{static_cast<long>(cfg.join_timeout_s * 1000)};
    if (auto joined = result_node.join(*cfg.join, timeout); !joined)
      return joined.error();
  }
  return result_node;
}

caf::actor_system& node::system() const noexcept {
  return *state_->sys;
}

const node_config& node::config() const noexcept {
  return *state_->cfg;
}

std::size_t node::threads() const noexcept {
  return detail::worker_count(*state_->sys);
}

std::vector<std::thread::id> node::worker_threads() const {
  return detail::worker_thread_ids(*state_->sys);
}

std::optional<endpoint> node::listening() const {
  return state_->bound;
}

std::optional<endpoint> node::monitor_address() const {
  return state_->monitor_address;
}

const std::optional<peer>& node::joined() const noexcept {
  return state_->joined;
}

sim_board& node::sim() const noexcept {
  return state_->sim;
}

snapshot node::snapshot() const {
  return detail::take_snapshot(*state_);
}

int run(node_config& cfg, int argc, const char* const* argv, std::function<int(node&)> body) {
  if (auto parsed = cfg.parse_args(argc, argv); !parsed) {
    if (parsed.error() == errc::help_requested) {
      std::cout << parsed.error().message();
      return 0;
    }
    std::cerr << cfg.program << ": " << parsed.error().message() << "\n";
    return 2;
  }
  auto program = cfg.program;
  auto n = node::start(std::move(cfg));
  if (!n) {
    std::cerr << program << ": " << n.error().message() << "\n";
    return n.error() == errc::bad_option || n.error() == errc::port_unavailable ? 2 : 1;
  }
  try {
    return body(*n);
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
  }
  return 1;
}

} // namespace troupe
