// A test node for tests/multinode: with --listen it serves actor types "adder" and "thrower"; with
// --join it runs one --scenario against the listener and prints what it saw, one line per check
// ("key: value"), for the test to compare. Both ends exit 0 on their own when the joiner is done.
#include <atomic>
#include <future>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include <troupe/remote.hpp>
#include <troupe/troupe.hpp>

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

// "name: message" for troupe's codes, "category value: message" for others.
std::string describe(const troupe::error& e) {
  auto& category = e.code().category();
  auto code = category == troupe::error_category()
                  ? std::string{troupe::to_string(static_cast<troupe::errc>(e.code().value()))}
                  : std::string{category.name()} + " " + std::to_string(e.code().value());
  return code + ": " + e.message();
}

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
             "forgotten-spawn-arg, no-such-type, bad-args, exception, error-value");
  double timeout_s = 5;
  cfg.option(register_point, "register-point", "register the message type 'point'");
  cfg.option(timeout_s, "request-timeout", "seconds each request of a scenario may take");
  cfg.set("middleman.heartbeat-interval", caf::timespan{500ms});
  cfg.set("middleman.connection-timeout", caf::timespan{2s});
  auto served = std::make_shared<std::promise<void>>();
  auto serving = std::make_shared<std::atomic<bool>>(false);
  cfg.add_actor_type("adder",
                     troupe::make_factory<int, caf::actor>(
                         [served, serving](troupe::context& self, int offset, caf::actor client) {
                           if (!serving->exchange(true))
                             self.attach_functor([served] { served->set_value(); });
                           return adder(self, offset, std::move(client));
                         }));
  cfg.add_actor_type("thrower", troupe::make_factory<>(thrower));
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
  auto started = troupe::node::start(std::move(cfg));
  if (!started) {
    std::cerr << "node_main: " << started.error().message() << "\n";
    return 1;
  }
  auto& n = *started;
  if (n.joined()) {
    auto code = std::make_shared<std::promise<int>>();
    auto result = code->get_future();
    troupe::spawn(n, {.name = "client"}, client, *n.joined(), scenario, timeout_s, code);
    code.reset();
    return result.get();
  }
  if (n.listening()) {
    served->get_future().wait();
    std::cout << "peer done" << std::endl;
    return 0;
  }
  std::cerr << "node_main: give --listen or --join\n";
  return 2;
}
