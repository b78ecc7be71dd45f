// A test node for tests/multinode: with --listen it serves actor types "adder", "thrower" and
// "quitter"; with --join it runs one --scenario against the listener and prints what it saw, one
// line per check ("key: value"), for the test to compare. Both ends exit 0 on their own when the
// joiner is done (or --clients joiners are). For troupe-run and Slurm: it prints its rank first
// ("rank: R of S"); --fail-rank makes one rank exit at once, --wait-for-signal keeps every rank
// until a signal.
#include <atomic>
#include <future>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <troupe/remote.hpp>
#include <troupe/troupe.hpp>

#include "describe_error.hpp"

using namespace std::chrono_literals;

// The message types live in a named namespace, as a user's would.
namespace demo {

/// A user-defined message type, registered on both nodes.
struct point {
  double x = 0;
  double y = 0;
  std::string label;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, point& p) {
  return f(caf::meta::type_name("point"), p.x, p.y, p.label);
}

/// A user-defined message type that the program "forgot" to register (it has inspect()).
struct forgotten {
  int value = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, forgotten& x) {
  return f(caf::meta::type_name("forgotten"), x.value);
}

} // namespace demo

namespace {

using demo::forgotten;
using demo::point;
using scale_atom = caf::atom_constant<caf::atom("scale")>;
using pid_atom = caf::atom_constant<caf::atom("pid")>;
using fail_atom = caf::atom_constant<caf::atom("fail")>;
using down_atom = caf::atom_constant<caf::atom("down")>;
using quit_atom = caf::atom_constant<caf::atom("quit")>;
using watched_atom = caf::atom_constant<caf::atom("watched")>;

using troupe::test::describe;

/// Adds `offset` to sums, scales points, tells its process id, describes errors it is sent;
/// ends when `client` goes down.
troupe::behavior adder(troupe::context& self, int offset, caf::actor client) {
  self.monitor(client);
  self.set_down_handler([&self](caf::down_msg&) { self.quit(); });
  return {
      [offset](int x, int y) { return offset + x + y; },
      [](scale_atom, point p, double k) {
        return point{p.x * k, p.y * k, p.label + " scaled"};
      },
      [](pid_atom) { return static_cast<int>(::getpid()); },
      [](forgotten f) { return f.value; },
      [](const troupe::error& e) { return describe(e); },
  };
}

/// Throws from a coroutine handler, which ends it; the requester gets the exception's text.
troupe::behavior thrower(troupe::context&) {
  return {
      [](fail_atom, std::string why) -> troupe::task<int> {
        throw std::runtime_error(why);
        co_return 0;
      },
  };
}

/// Ends normally when told to.
troupe::behavior quitter(troupe::context& self) {
  return {
      [&self](quit_atom) { self.quit(); },
  };
}

/// The next line a watch sent (see the "watch" scenario).
troupe::task<std::string> watch_news(troupe::context& self, troupe::duration timeout) {
  auto news = co_await troupe::receive<watched_atom, std::string>(self, timeout);
  co_return news ? std::get<1>(*news) : "no watch ran: " + describe(news.error());
}

void say(const std::string& key, const std::string& value) {
  std::cout << key << ": " << value << std::endl;
}

/// The joiner's side: one scenario, reported line by line.
troupe::task<> client(troupe::context& self, troupe::peer server, std::string scenario,
                      double timeout_s, std::shared_ptr<std::promise<int>> exit_code) {
  auto timeout =
      std::chrono::duration_cast<troupe::duration>(std::chrono::duration<double>(timeout_s));
  // The adder also tells the listener when this client is done: it ends when we do.
  auto a = co_await troupe::spawn_remote(self, server, "adder", timeout, 100, self.handle());
  if (!a) {
    say("spawn", describe(a.error()));
    exit_code->set_value(1);
    co_return;
  }
  auto adder = *a;
  auto pid = co_await troupe::request<int>(self, adder, timeout, pid_atom::value);
  say("adder pid", pid ? std::to_string(*pid) : describe(pid.error()));
  if (scenario == "sum") {
    auto sum = co_await troupe::request<int>(self, adder, timeout, 20, 22);
    say("sum", sum ? std::to_string(*sum) : describe(sum.error()));
  } else if (scenario == "point") {
    // A named value, not a temporary: g++ 12 corrupts aggregate temporaries holding a
    // std::string inside a co_await expression.
    point sent{1.5, -2.25, "p"};
    auto p = co_await troupe::request<point>(self, adder, timeout, scale_atom::value, sent, 2.0);
    if (p)
      say("point", std::to_string(p->x) + " " + std::to_string(p->y) + " " + p->label);
    else
      say("point", describe(p.error()));
  } else if (scenario == "forgotten-request") {
    auto r = co_await troupe::request<int>(self, adder, timeout, forgotten{7});
    say("forgotten", r ? std::to_string(*r) : describe(r.error()));
  } else if (scenario == "forgotten-send") {
    try {
      self.send(adder, forgotten{7});
      say("forgotten", "sent");
    } catch (const troupe::bad_result_access& e) {
      say("forgotten", describe(e.error()));
    }
  } else if (scenario == "forgotten-spawn-arg") {
    auto b = co_await troupe::spawn_remote(self, server, "adder", timeout, forgotten{1});
    say("spawn", b ? "ok" : describe(b.error()));
  } else if (scenario == "no-such-type") {
    auto b = co_await troupe::spawn_remote(self, server, "no-such-type", 5s);
    say("spawn", b ? "ok" : describe(b.error()));
  } else if (scenario == "bad-args") {
    auto b = co_await troupe::spawn_remote(self, server, "adder", timeout, std::string{"x"});
    say("spawn", b ? "ok" : describe(b.error()));
  } else if (scenario == "exception") {
    auto t = co_await troupe::spawn_remote(self, server, "thrower", timeout);
    if (!t) {
      say("thrower", describe(t.error()));
    } else {
      // Its exit reason comes back through a monitor, turned into a message we can await.
      self.monitor(*t);
      self.set_down_handler([&self](caf::down_msg& dm) {
        self.send(self.handle(), down_atom::value, describe(self.convert(dm.reason, "thrower")));
      });
      std::string why = "tile 7 diverged at step 40";
      auto r = co_await troupe::request<int>(self, *t, timeout, fail_atom::value, why);
      say("thrower", r ? std::to_string(*r) : describe(r.error()));
      auto down = co_await troupe::receive<down_atom, std::string>(self, timeout);
      say("thrower exit", down ? std::get<1>(*down) : describe(down.error()));
      // A request to it now, after its end reached this node, must fail at once.
      auto late = co_await troupe::request<int>(self, *t, timeout, fail_atom::value, why);
      say("dead thrower", late ? std::to_string(*late) : describe(late.error()));
    }
  } else if (scenario == "error-value") {
    troupe::error late{troupe::errc::timeout, "halo from west, step 12, arrived late"};
    auto e = co_await troupe::request<std::string>(self, adder, timeout, late);
    say("troupe error", e ? *e : "request failed: " + describe(e.error()));
    troupe::error refused{std::make_error_code(std::errc::connection_refused), "no checkpoints"};
    auto g = co_await troupe::request<std::string>(self, adder, timeout, refused);
    say("generic error", g ? *g : "request failed: " + describe(g.error()));
  } else if (scenario == "watch") {
    // Each watch's news comes back as a line: ended normally, by an exception, killed, and,
    // after the "watching" line, the adder whose process the test kills.
    auto watch = [&self](const caf::actor& who) {
      self.watch(who, [&self](const troupe::result<void>& how) {
        self.send(self.handle(), watched_atom::value,
                  how ? std::string{"ok"} : describe(how.error()));
      });
    };
    auto q = co_await troupe::spawn_remote(self, server, "quitter", timeout);
    auto t = co_await troupe::spawn_remote(self, server, "thrower", timeout);
    auto k = co_await troupe::spawn_remote(self, server, "quitter", timeout);
    if (!q || !t || !k) {
      say("spawn", describe(!q ? q.error() : !t ? t.error() : k.error()));
      exit_code->set_value(1);
      co_return;
    }
    watch(*q);
    self.send(*q, quit_atom::value);
    say("watch returned", co_await watch_news(self, timeout));
    watch(*t);
    std::string why = "tile 7 diverged at step 40";
    auto r = co_await troupe::request<int>(self, *t, timeout, fail_atom::value, why);
    say("thrower", r ? std::to_string(*r) : describe(r.error()));
    say("watch thrower", co_await watch_news(self, timeout));
    watch(*k);
    self.send_exit(*k, caf::exit_reason::kill);
    say("watch killed", co_await watch_news(self, timeout));
    watch(adder);
    say("watching", "adder");
    say("watch lost", co_await watch_news(self, timeout));
    exit_code->set_value(0);
    co_return;
  } else {
    say("scenario", "unknown scenario '" + scenario + "'");
    exit_code->set_value(2);
    co_return;
  }
  // The connection still works after a refused or failed message.
  auto again = co_await troupe::request<int>(self, adder, timeout, 1, 2);
  say("after", again ? std::to_string(*again) : describe(again.error()));
  exit_code->set_value(0);
}

} // namespace

int main(int argc, char** argv) {
  troupe::node_config cfg{"node_main", "A test node: --listen serves an adder, --join runs a "
                                       "--scenario against it."};
  std::string scenario = "sum";
  bool register_point = true;
  cfg.option(scenario, "scenario",
             "with --join: sum, point, forgotten-request, forgotten-send, "
             "forgotten-spawn-arg, no-such-type, bad-args, exception, error-value, watch");
  double timeout_s = 5;
  cfg.option(register_point, "register-point", "register the message type 'point'");
  cfg.option(timeout_s, "request-timeout", "seconds each request of a scenario may take");
  int clients = 1;
  cfg.option(clients, "clients", "with --listen: serve until this many joiners are done");
  int fail_rank = -1;
  int fail_code = 7;
  cfg.option(fail_rank, "fail-rank", "the rank (TROUPE_RANK) that exits with --fail-code at once");
  cfg.option(fail_code, "fail-code", "the exit code of --fail-rank");
  bool wait_for_signal = false;
  cfg.option(wait_for_signal, "wait-for-signal",
             "after its part, wait for SIGINT or SIGTERM, say which came, and exit 0");
  cfg.set("middleman.heartbeat-interval", caf::timespan{500ms});
  cfg.set("middleman.connection-timeout", caf::timespan{2s});
  auto served = std::make_shared<std::promise<void>>();
  auto done = std::make_shared<std::atomic<int>>(0);
  cfg.add_actor_type(
      "adder", troupe::make_factory<int, caf::actor>(
                   [served, done, &clients](troupe::context& self, int offset, caf::actor client) {
                     self.attach_functor([served, done, &clients] {
                       if (done->fetch_add(1) + 1 == clients)
                         served->set_value();
                     });
                     return adder(self, offset, std::move(client));
                   }));
  cfg.add_actor_type("thrower", troupe::make_factory<>(thrower));
  cfg.add_actor_type("quitter", troupe::make_factory<>(quitter));
  // node::start rather than troupe::run: whether to register 'point' depends on a flag, and
  // message types must be added before the node starts.
  if (auto parsed = cfg.parse_args(argc, argv); !parsed) {
    if (parsed.error() == troupe::errc::help_requested) {
      std::cout << parsed.error().message();
      return 0;
    }
    std::cerr << "node_main: " << parsed.error().message() << "\n";
    return 2;
  }
  if (register_point)
    cfg.add_message_type<point>("point");
  // Blocked before the node's threads start, which inherit the mask: only sigwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (wait_for_signal)
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  auto started = troupe::node::start(std::move(cfg));
  if (!started) {
    std::cerr << "node_main: " << started.error().message() << "\n";
    return 1;
  }
  auto& n = *started;
  auto rank = n.config().rank;
  std::cout << "rank: " << rank << " of " << n.config().size << std::endl;
  if (static_cast<int>(rank) == fail_rank)
    return fail_code;
  auto then_wait = [&](int code) {
    if (!wait_for_signal || code != 0)
      return code;
    std::cout << "waiting for a signal" << std::endl;
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::cout << "got " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << std::endl;
    return 0;
  };
  if (n.joined()) {
    auto code = std::make_shared<std::promise<int>>();
    auto result = code->get_future();
    troupe::spawn(n, {.name = "client"}, client, *n.joined(), scenario, timeout_s, code);
    code.reset();
    return then_wait(result.get());
  }
  if (n.listening()) {
    if (wait_for_signal)
      return then_wait(0);
    served->get_future().wait();
    std::cout << "peer done" << std::endl;
    return 0;
  }
  std::cerr << "node_main: give --listen or --join\n";
  return 2;
}
