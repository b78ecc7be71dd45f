#include <troupe/node.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/defaults.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <troupe/detail/kernel.hpp>
#include <troupe/remote.hpp>

#include "internal/node_state.hpp"
#include "internal/scheduler.hpp"

namespace troupe {

namespace {

// "int, caf::actor": the portable type names of a message's elements, for error messages.
std::string element_types(caf::actor_system& sys, const caf::message& msg) {
  std::string out;
  for (size_t i = 0; i < msg.size(); ++i) {
    auto& name = sys.types().portable_name(msg.type(i));
    out += (i == 0 ? "" : ", ") + (name.empty() ? std::string{"?"} : name);
  }
  return out.empty() ? "no arguments" : out;
}

behavior spawner(context& self, detail::node_state* st) {
  return {
      [st](spawn_request_atom, const std::string& type,
           caf::message& args) -> caf::result<caf::actor> {
        actor_factory factory;
        {
          std::lock_guard<std::mutex> guard{st->factories_mtx};
          auto i = st->factories.find(type);
          if (i == st->factories.end())
            return detail::spawn_refused("the node " + st->cfg->program + " has no actor type '" +
                                         type + "': register it with cfg.add_actor_type(\"" + type +
                                         "\", ...) on every node, before the node starts");
          factory = i->second;
        }
        auto a = factory(*st->sys, args);
        if (!a)
          return detail::spawn_refused("actor type '" + type + "' on " + st->cfg->program +
                                       " does not take these arguments (" +
                                       element_types(*st->sys, args) + ")");
        return a;
      },
  };
}

// Why `ep` cannot be bound, in the words of the OS ("Address already in use"): CAF reports
// every failure as "tcp socket creation failed". Falls back to CAF's text.
std::string why_not_bindable(const endpoint& ep, std::string caf_text) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  auto port = std::to_string(ep.port);
  if (int rc = ::getaddrinfo(ep.host.c_str(), port.c_str(), &hints, &found); rc != 0)
    return "unknown host: " + std::string{::gai_strerror(rc)};
  std::string why = std::move(caf_text);
  for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
      continue;
    int rc = ::bind(fd, ai->ai_addr, ai->ai_addrlen);
    int err = errno;
    ::close(fd);
    if (rc != 0) {
      why = std::strerror(err);
      break;
    }
  }
  ::freeaddrinfo(found);
  return why;
}

} // namespace

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
  if (cfg.threads == 0) {
    // Not parsed: honour a scheduler.max-threads the program set, else one worker per core.
    auto n = caf::get_if<std::size_t>(&cfg.content, "scheduler.max-threads");
    cfg.threads = n && *n > 0 ? *n : std::max(1u, std::thread::hardware_concurrency());
  }
  cfg.apply_scheduler_settings();
  cfg.apply_network_settings();
  cfg.load<caf::io::middleman>();
  // CAF builds its own scheduler only when no module gave one: troupe's (CAF's work stealing
  // with a cheaper clock, internal/scheduler.hpp) replaces CAF's; work sharing stays CAF's.
  auto policy = caf::get_or(cfg, "scheduler.policy", caf::defaults::scheduler::policy);
  if (policy == caf::atom("stealing"))
    cfg.load<detail::coordinator>();
  st->factories.insert(cfg.actor_types.begin(), cfg.actor_types.end());
  cfg.state = st.get();
  st->sys = std::make_unique<caf::actor_system>(cfg);
  node result_node{std::move(st)};
  if (auto pinned = detail::pin_workers(result_node.system(), cfg.pin_workers); !pinned)
    return pinned.error();
  auto& state = *result_node.state_;
  state.spawner = spawn(*state.sys, spawn_options{.name = "troupe.spawner", .type = "spawner"},
                        spawner, &state);
  state.sys->registry().put(spawner_name, caf::actor_cast<caf::strong_actor_ptr>(state.spawner));
  if (cfg.listen) {
    auto& ep = *cfg.listen;
    // Publishing the spawner (rather than only opening the port) hands it to joining nodes
    // in CAF's handshake.
    auto port = state.sys->middleman().publish(state.spawner, ep.port, ep.host.c_str(), false);
    if (!port)
      return error{errc::port_unavailable,
                   "--listen " + ep.to_string() + ": cannot listen there (" +
                       why_not_bindable(ep, state.sys->render(port.error())) +
                       "); pick a free port, or 0 for any, and a local address"};
    state.bound = endpoint{ep.host, *port};
    std::printf("listening on %s\n", state.bound->to_string().c_str());
    std::fflush(stdout);
  }
  if (cfg.join) {
    auto timeout = std::chrono::milliseconds{static_cast<long>(cfg.join_timeout_s * 1000)};
    auto p = result_node.join(*cfg.join, timeout);
    if (!p)
      return p.error();
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

const std::optional<peer>& node::joined() const noexcept {
  return state_->joined;
}

result<peer> node::join(const endpoint& where, std::chrono::milliseconds timeout) {
  // Ask the middleman actor instead of calling middleman::connect: that one blocks without a
  // deadline when something at `where` accepts the TCP connection but never completes CAF's
  // handshake, and its remote_lookup waits up to five minutes for a peer that died meanwhile.
  // A troupe node publishes its spawner at its listening port, so the handshake brings it along.
  auto& sys = *state_->sys;
  caf::scoped_actor self{sys};
  auto mm = sys.middleman().actor_handle();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last_error = "no answer";
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    std::optional<peer> found;
    bool foreign = false;
    self->request(mm, std::max(left, std::chrono::milliseconds{1}), caf::connect_atom::value,
                  where.host, where.port)
        .receive(
            [&](caf::node_id& nid, caf::strong_actor_ptr& published, std::set<std::string>&) {
              if (published)
                found = peer{std::move(nid), caf::actor_cast<caf::actor>(published)};
              else
                foreign = true;
            },
            [&](caf::error& err) {
              last_error = err == caf::sec::request_timeout
                               ? std::string{"it accepted the connection but sent no CAF handshake"}
                               : sys.render(err);
            });
    if (found) {
      state_->joined = found;
      return *found;
    }
    if (foreign)
      return error{errc::unreachable, "--join " + where.to_string() +
                                          ": connected, but the peer is not a troupe node "
                                          "listening there"};
    if (std::chrono::steady_clock::now() >= deadline)
      break;
    // A retry loop of the runtime, not a test: the peer may still be starting.
    std::this_thread::sleep_for(std::min(std::chrono::milliseconds{100},
                                         std::chrono::duration_cast<std::chrono::milliseconds>(
                                             deadline - std::chrono::steady_clock::now())));
  }
  auto secs = std::chrono::duration<double>(timeout).count();
  std::ostringstream within;
  within << secs;
  return error{errc::unreachable, "--join " + where.to_string() + ": no node answered within " +
                                      within.str() + " s (" + last_error +
                                      "); start the other node with --listen " + where.to_string() +
                                      " first"};
}

void node::add_actor_type(std::string type, actor_factory factory) {
  std::lock_guard<std::mutex> guard{state_->factories_mtx};
  state_->factories[std::move(type)] = std::move(factory);
}

result<caf::actor> node::spawn_named(const std::string& type, caf::message args) {
  actor_factory factory;
  {
    std::lock_guard<std::mutex> guard{state_->factories_mtx};
    auto i = state_->factories.find(type);
    if (i == state_->factories.end())
      return error{errc::no_such_actor_type, "no actor type '" + type +
                                                 "' is registered: call node.add_actor_type(\"" +
                                                 type + "\", ...)"};
    factory = i->second;
  }
  auto a = factory(*state_->sys, args);
  if (!a)
    return error{errc::no_such_actor_type,
                 "actor type '" + type + "' does not take the arguments given"};
  return a;
}

result<caf::actor> node::spawn_remote(const peer& where, const std::string& type, caf::message args,
                                      std::chrono::milliseconds timeout) {
  auto what = "spawn_remote of '" + type + "'";
  if (!where.spawner)
    return error{errc::unreachable, what + ": not joined to that node (no spawner)"};
  caf::scoped_actor self{*state_->sys};
  result<caf::actor> out{errc::timeout, what + " timed out"};
  self->request(where.spawner, timeout, spawn_request_atom::value, type, std::move(args))
      .receive([&](caf::actor& a) { out = std::move(a); },
               [&](caf::error& err) {
                 if (err == caf::sec::cannot_spawn_actor_from_arguments &&
                     err.context().match_elements<std::string>())
                   out = error{errc::no_such_actor_type,
                               what + ": " + err.context().get_as<std::string>(0)};
                 else if (err == caf::sec::request_timeout)
                   out = error{errc::timeout, what + " timed out after " +
                                                  std::to_string(timeout.count()) + " ms"};
                 else
                   out = error{errc::unreachable, what + " failed: " + state_->sys->render(err)};
               });
  return out;
}

snapshot node::snapshot() const {
  troupe::snapshot out;
  out.taken = std::chrono::system_clock::now();
  state_->actors.for_each(
      [&](const detail::actor_record& rec) { out.actors.push_back(detail::read_record(rec)); });
  std::sort(out.actors.begin(), out.actors.end(),
            [](const actor_info& x, const actor_info& y) { return x.id < y.id; });
  return out;
}

void node::shutdown() {
  if (!state_ || !state_->sys)
    return;
  auto& sys = *state_->sys;
  if (state_->bound)
    sys.middleman().close(state_->bound->port);
  sys.registry().erase(spawner_name);
  state_->spawner = nullptr;
  state_->joined.reset();
  // Suspended coroutines never finish by themselves: end every troupe actor, including those
  // spawned by dying ones, so the actor system's destructor does not wait forever.
  for (int round = 0; round < 10000 && state_->actors.size() > 0; ++round) {
    for (auto& addr : state_->actors.addresses())
      caf::anon_send_exit(addr, caf::exit_reason::user_shutdown);
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  state_->sys.reset();
  state_.reset();
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
    return 1;
  }
  try {
    return body(*n);
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
  }
  return 1;
}

} // namespace troupe
