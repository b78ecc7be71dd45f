#include "fixture.hpp"

#include <string>
#include <vector>

using namespace troupe::test;

namespace {

// How a watch saw its actor end, as one line: "ok" or "<errc>: <message>".
std::string describe(const troupe::result<void>& how) {
  if (how)
    return "ok";
  auto& e = how.error();
  auto code = e.code().category() == troupe::error_category()
                  ? std::string{troupe::to_string(static_cast<troupe::errc>(e.code().value()))}
                  : std::string{e.code().category().name()};
  return code + ": " + e.message();
}

// Waits for an int, then throws or returns as the int says (1: throw).
troupe::task<> victim(troupe::context& self) {
  auto how = co_await troupe::receive<int>(self);
  if (how == 1)
    throw std::runtime_error("tile 3 diverged");
}

// Ends by taking the value of a result that holds `e`.
troupe::task<> careless(troupe::context&, troupe::error e) {
  troupe::result<int> r{std::move(e)};
  (void)r.value();
  co_return;
}

// Watches `who` (its watch sends this actor a line), ends `who` by `end` (sends it the int, or
// kills it when `end` < 0), and hands on the first line that arrives.
troupe::task<> watch_one(troupe::context& self, caf::actor who, int end,
                         std::shared_ptr<std::promise<std::string>> out) {
  self.watch(who,
             [&self](const troupe::result<void>& how) { self.send(self.handle(), describe(how)); });
  if (end < 0)
    self.send_exit(who, caf::exit_reason::kill);
  else
    self.send(who, end);
  auto line = co_await troupe::receive<std::string>(self, 20s);
  out->set_value(line ? *line : "no watch ran: " + line.error().message());
}

} // namespace

TEST_CASE("a watch runs inside the watcher with the exception that ended the watched actor",
          "[runtime][watch]") {
  auto n = start_node(2);
  outcome<std::string> seen;
  auto v = troupe::spawn(n, {.name = "victim"}, victim);
  troupe::spawn(n, watch_one, v, 1, seen.promise);
  CHECK(seen.get("the watch of an actor that threw") == "exception: tile 3 diverged");
}

TEST_CASE("a watch of an actor that a result's unhandled error ended sees that error's troupe "
          "code and text",
          "[runtime][watch]") {
  auto n = start_node(2);
  outcome<std::string> lost;
  troupe::error unreachable{troupe::errc::unreachable, "halo from west: its node is gone"};
  troupe::spawn(n, watch_one, troupe::spawn(n, careless, unreachable), 0, lost.promise);
  CHECK(lost.get("the watch of an actor that took an unreachable result") ==
        "unreachable: halo from west: its node is gone");
  // Codes of other categories are no exit reason of troupe's: the exception's text stays.
  outcome<std::string> other;
  troupe::error refused{std::make_error_code(std::errc::connection_refused), "no checkpoints"};
  troupe::spawn(n, watch_one, troupe::spawn(n, careless, refused), 0, other.promise);
  CHECK(other.get("the watch of an actor that took a generic error") ==
        "exception: no checkpoints");
}

TEST_CASE("a watch reports a normal end as a value and a kill as actor_exited naming the actor",
          "[runtime][watch]") {
  auto n = start_node(2);
  outcome<std::string> normal;
  troupe::spawn(n, watch_one, troupe::spawn(n, victim), 0, normal.promise);
  CHECK(normal.get("the watch of an actor that returned") == "ok");
  outcome<std::string> killed;
  auto v = troupe::spawn(n, {.name = "victim"}, victim);
  troupe::spawn(n, watch_one, v, -1, killed.promise);
  CHECK(killed.get("the watch of a killed actor") == "actor_exited: actor 'victim' (id " +
                                                         std::to_string(v.id()) + ") ended with " +
                                                         n.system().render(caf::exit_reason::kill));
}

TEST_CASE("a watch of an actor that ended already runs", "[runtime][watch]") {
  auto n = start_node(2);
  auto v = troupe::spawn(n, victim);
  caf::anon_send(v, 1);
  REQUIRE_FALSE(n.wait(v, 20s));
  outcome<std::string> seen;
  troupe::spawn(n, watch_one, v, 0, seen.promise); // the int it sends goes nowhere
  CHECK(seen.get("the watch of an ended actor") == "exception: tile 3 diverged");
}

TEST_CASE("several watches of one actor all run and the program's own monitor still gets its "
          "down message",
          "[runtime][watch]") {
  auto n = start_node(2);
  outcome<std::vector<std::string>> seen;
  auto v = troupe::spawn(n, victim);
  troupe::spawn(n, [v, p = seen.promise](troupe::context& self) -> troupe::task<> {
    self.set_down_handler(
        [&self](caf::down_msg&) { self.send(self.handle(), std::string{"down handler"}); });
    self.monitor(v);
    auto cancelled = self.watch(v, [&self](const troupe::result<void>&) {
      self.send(self.handle(), std::string{"cancelled watch"});
    });
    for (std::string name : {"first", "second"})
      self.watch(v, [&self, name](const troupe::result<void>& how) {
        self.send(self.handle(), name + " watch: " + describe(how));
      });
    self.unwatch(cancelled);
    self.send(v, 1);
    std::vector<std::string> lines;
    for (int i = 0; i < 3; ++i) {
      auto line = co_await troupe::receive<std::string>(self, 20s);
      lines.push_back(line ? *line : line.error().message());
    }
    std::sort(lines.begin(), lines.end());
    p->set_value(lines);
  });
  CHECK(seen.get("two watches and the down handler") ==
        std::vector<std::string>{"down handler", "first watch: exception: tile 3 diverged",
                                 "second watch: exception: tile 3 diverged"});
}

TEST_CASE("a watch's function may start another watch, which sees its own actor end",
          "[runtime][watch]") {
  auto n = start_node(2);
  outcome<std::string> seen;
  auto first = troupe::spawn(n, victim);
  auto second = troupe::spawn(n, {.name = "second"}, victim);
  troupe::spawn(n, [first, second, p = seen.promise](troupe::context& self) -> troupe::task<> {
    self.watch(first, [&self, second](const troupe::result<void>&) {
      self.watch(second, [&self](const troupe::result<void>& how) {
        self.send(self.handle(), describe(how));
      });
      self.send(second, 1);
    });
    self.send(first, 0);
    auto line = co_await troupe::receive<std::string>(self, 20s);
    p->set_value(line ? *line : line.error().message());
  });
  CHECK(seen.get("the watch started by a watch") == "exception: tile 3 diverged");
}
