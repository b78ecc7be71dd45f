// A cluster member for tests/multinode/cluster.test.cpp. Does what its flags say, in this
// order, printing one line per result, then serves until it is signalled or killed:
//   --expect N         waits until N members are up, prints "members: ADDR ADDR ..." (sorted)
//   --watch            prints "event ADDR STATE" for each member's change from then on
//   --register NAME    registers an echo actor as NAME: "registered NAME" or
//                      "register NAME failed: CODE: TEXT"
//   --lookup NAME      looks NAME up (--await-name: waiting until it exists) and asks it to
//                      echo: "lookup NAME: REPLY" or "lookup NAME failed: CODE: TEXT"
//   --lookup-after-down NAME   with --watch: looks NAME up again after the first down event
//   --place N          spawns N actors of type "where" round robin and prints "placed ADDR" for
//                      each (the node it landed on), then one on the first member by id:
//                      "placed on first ADDR"
//   --exit             returns from main after the above (a clean end) instead of serving
#include <algorithm>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <string>

#include <unistd.h>

#include <caf/scoped_actor.hpp>

#include <troupe/cluster.hpp>
#include <troupe/names.hpp>
#include <troupe/placement.hpp>
#include <troupe/troupe.hpp>

using namespace std::chrono_literals;

namespace {

std::mutex out_mtx;
std::mutex down_mtx;
std::condition_variable down_cv;
bool saw_down = false;

void say(const std::string& line) {
  std::lock_guard<std::mutex> guard{out_mtx};
  std::cout << line << std::endl;
}

std::string describe(const troupe::error& e) {
  return std::string{troupe::to_string(static_cast<troupe::errc>(e.code().value()))} + ": " +
         e.message();
}

troupe::behavior echo(troupe::context&, std::string name) {
  return {[name](const std::string& s) { return name + " echoes " + s; }};
}

// Answers "where?" with the address of its node.
troupe::behavior where(troupe::context& self) {
  return {[&self](const std::string&) {
    for (auto& m : troupe::cluster_members(self))
      if (m.local)
        return m.address.to_string();
    return std::string{"?"};
  }};
}

troupe::task<> watcher(troupe::context& self) {
  troupe::subscribe_members(self);
  for (;;) {
    auto e = co_await troupe::receive<troupe::member_event>(self);
    if (e.who.local || (!e.before && e.who.state == troupe::member_state::up))
      continue;
    say("event " + e.who.address.to_string() + " " + troupe::to_string(e.who.state));
    if (e.who.state == troupe::member_state::down) {
      std::lock_guard<std::mutex> guard{down_mtx};
      saw_down = true;
      down_cv.notify_all();
    }
  }
}

} // namespace

int main(int argc, char** argv) {
  troupe::node_config cfg{"cluster_node", "a cluster member for the membership tests"};
  int expect = 0;
  bool watch = false;
  bool exit_after = false;
  std::string reg;
  std::string lookup;
  std::string await_name;
  std::string after_down;
  cfg.option(expect, "expect", "members to wait for");
  cfg.option(watch, "watch", "print member events");
  cfg.option(reg, "register", "a name to register an echo actor under");
  cfg.option(lookup, "lookup", "a name to look up and ask");
  cfg.option(await_name, "await-name", "a name to wait for, look up and ask");
  cfg.option(after_down, "lookup-after-down", "a name to look up after a member is down");
  cfg.option(exit_after, "exit", "return from main when done");
  int place = 0;
  cfg.option(place, "place", "actors to spawn round robin");
  cfg.add_actor_type("where", troupe::make_factory<>(where));
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) {
    if (expect > 0) {
      if (auto ok = n.await_members(static_cast<std::size_t>(expect), 60s); !ok) {
        say("expect failed: " + describe(ok.error()));
        return 1;
      }
      std::vector<std::string> addrs;
      for (auto& m : n.members())
        addrs.push_back(m.address.to_string());
      std::sort(addrs.begin(), addrs.end());
      std::string line = "members:";
      for (auto& a : addrs)
        line += " " + a;
      say(line);
      for (auto& m : n.members())
        if (m.local)
          say("self " + m.address.to_string());
    }
    if (watch)
      troupe::spawn(n, watcher);
    if (!reg.empty()) {
      auto a = troupe::spawn(n, echo, reg);
      auto ok = n.register_name(reg, a, 20s);
      say(ok ? "registered " + reg : "register " + reg + " failed: " + describe(ok.error()));
    }
    auto look = [&](const std::string& name, bool wait) {
      auto found = n.lookup(name, 30s, wait);
      if (!found) {
        say("lookup " + name + " failed: " + describe(found.error()));
        return;
      }
      caf::scoped_actor self{n.system()};
      self->request(*found, 10s, std::string{"hi"})
          .receive([&](std::string& reply) { say("lookup " + name + ": " + reply); },
                   [&](caf::error& err) {
                     say("lookup " + name + " failed: " + n.system().render(err));
                   });
    };
    if (!lookup.empty())
      look(lookup, false);
    if (!await_name.empty())
      look(await_name, true);
    auto ask = [&](const caf::actor& a) {
      std::string out = "?";
      caf::scoped_actor self{n.system()};
      self->request(a, 10s, std::string{"where?"})
          .receive([&](std::string& s) { out = s; }, [](caf::error&) {});
      return out;
    };
    for (int i = 0; i < place; ++i) {
      auto a = n.spawn_placed(troupe::placement::round_robin(), "where", caf::message{}, 10s);
      say(a ? "placed " + ask(*a) : "place failed: " + describe(a.error()));
    }
    if (place > 0) {
      auto first = n.members().front();
      auto a = n.spawn_placed(troupe::placement::on(first.id), "where", caf::message{}, 10s);
      say(a ? "placed on first " + ask(*a) + " (expected " + first.address.to_string() + ")"
            : "place failed: " + describe(a.error()));
    }
    say("ready");
    if (!after_down.empty()) {
      std::unique_lock<std::mutex> lock{down_mtx};
      down_cv.wait(lock, [] { return saw_down; });
      lock.unlock();
      look(after_down, false);
    }
    if (exit_after)
      return 0;
    for (;;)
      ::pause();
  });
}
