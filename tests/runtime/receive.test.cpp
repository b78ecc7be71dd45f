#include "fixture.hpp"

#include <vector>

using namespace troupe::test;
using tag_atom = caf::atom_constant<caf::atom("tag")>;
using other_atom = caf::atom_constant<caf::atom("other")>;

TEST_CASE("receive takes the awaited type first and leaves others queued in order",
          "[runtime][receive]") {
  auto n = start_node(2);
  outcome<std::vector<std::string>> got;
  auto a = troupe::spawn(n, [p = got.promise](troupe::context& self) -> troupe::task<> {
    std::vector<std::string> log;
    auto i = co_await troupe::receive<int>(self);
    log.push_back("int " + std::to_string(i));
    auto s1 = co_await troupe::receive<std::string>(self);
    log.push_back(s1);
    auto s2 = co_await troupe::receive<std::string>(self);
    log.push_back(s2);
    p->set_value(log);
  });
  caf::anon_send(a, std::string{"first"});
  caf::anon_send(a, std::string{"second"});
  caf::anon_send(a, 7);
  auto log = got.get("the received messages");
  CHECK(log == std::vector<std::string>{"int 7", "first", "second"});
}

TEST_CASE("receive matches atoms by value and yields tuples for several elements",
          "[runtime][receive]") {
  auto n = start_node(2);
  outcome<int> got;
  auto a = troupe::spawn(n, [p = got.promise](troupe::context& self) -> troupe::task<> {
    auto [tag, x] = co_await troupe::receive<tag_atom, int>(self);
    static_assert(std::is_same_v<decltype(tag), tag_atom>);
    p->set_value(x);
  });
  caf::anon_send(a, other_atom::value, 1); // same types, other atom value: stays queued
  caf::anon_send(a, tag_atom::value, 2);
  CHECK(got.get("the tagged message") == 2);
}

TEST_CASE("receive with a timeout yields errc::timeout and later messages still arrive",
          "[runtime][receive]") {
  auto n = start_node(2);
  outcome<std::string> first;
  outcome<int> second;
  auto a = troupe::spawn(
      n, [p1 = first.promise, p2 = second.promise](troupe::context& self) -> troupe::task<> {
        auto r = co_await troupe::receive<int>(self, 20ms);
        p1->set_value(r ? "value" : r.error().message());
        auto again = co_await troupe::receive<int>(self, 10s);
        p2->set_value(again ? *again : -1);
      });
  CHECK(first.get("the first receive to time out") == "receive of (int) timed out");
  caf::anon_send(a, 5);
  CHECK(second.get("the second receive") == 5);
}

TEST_CASE("a request taken by receive is answered with an error that says receive does not reply",
          "[runtime][receive]") {
  auto n = start_node(2);
  outcome<int> taken;
  auto taker = troupe::spawn(n, [p = taken.promise](troupe::context& self) -> troupe::task<> {
    p->set_value(co_await troupe::receive<int>(self));
  });
  outcome<troupe::error> answer;
  troupe::spawn(n, [taker, p = answer.promise](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<void>(self, taker, 10s, 41);
    p->set_value(r ? troupe::error{} : r.error());
  });
  CHECK(taken.get("the receive") == 41);
  auto err = answer.get("the requester's answer");
  CHECK(err == troupe::errc::unexpected_message);
  CHECK_THAT(err.message(), Catch::Contains("receive, which does not reply"));
}

TEST_CASE("a behavior actor keeps a message that arrives before its handler reaches receive",
          "[runtime][receive][behavior]") {
  auto n = start_node(2);
  outcome<int> got;
  auto a = troupe::spawn(n, [p = got.promise](troupe::context& self) -> troupe::behavior {
    return {[&self, p](tag_atom) -> troupe::task<void> {
      co_await troupe::sleep(self, 1ms); // the int below arrives meanwhile
      p->set_value(co_await troupe::receive<int>(self));
    }};
  });
  caf::scoped_actor sender{n.system()};
  sender->send(a, tag_atom::value);
  sender->send(a, 5); // matches no handler: kept, not dropped, for the receive
  CHECK(got.get("the receive of the early int") == 5);
}

TEST_CASE("kept messages show in the snapshot as stashed and leave it when received",
          "[runtime][receive][snapshot]") {
  auto n = start_node(2);
  outcome<int> sum;
  auto a = troupe::spawn(n, {.name = "keeper"},
                         [p = sum.promise](troupe::context& self) -> troupe::task<> {
                           co_await troupe::receive<tag_atom>(self);
                           int s = 0;
                           for (int i = 0; i < 3; ++i)
                             s += co_await troupe::receive<int>(self);
                           p->set_value(s);
                         });
  for (int i = 1; i <= 3; ++i)
    caf::anon_send(a, i);
  auto deadline = std::chrono::steady_clock::now() + 20s;
  std::uint64_t stashed = 0;
  while (stashed != 3 && std::chrono::steady_clock::now() < deadline) {
    auto snap = n.snapshot();
    auto* info = snap.find("keeper");
    REQUIRE(info != nullptr);
    stashed = info->stashed;
    std::this_thread::yield();
  }
  REQUIRE(stashed == 3);
  caf::anon_send(a, tag_atom::value);
  CHECK(sum.get("the three kept ints") == 6);
}

namespace {

struct halo {
  int step = 0;
  int from = 0;
  double value = 0;
};

} // namespace

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(halo)

TEST_CASE("receive by tag takes step k's halos first while a fast neighbour's step k+1 waits",
          "[runtime][receive]") {
  auto n = start_node(2);
  outcome<std::vector<int>> got;
  auto a = troupe::spawn(n, [p = got.promise](troupe::context& self) -> troupe::task<> {
    std::vector<int> order;
    for (int step = 0; step < 2; ++step) {
      for (int from : {1, 2}) {
        auto want = [step, from](const halo& h) { return h.step == step && h.from == from; };
        auto h = co_await troupe::receive<halo>(self, troupe::where(want));
        order.push_back(static_cast<int>(h.value));
      }
    }
    p->set_value(order);
  });
  // Neighbour 2 is fast: its step-1 halo arrives before neighbour 1's step-0 one.
  caf::anon_send(a, halo{0, 2, 20});
  caf::anon_send(a, halo{1, 2, 21});
  caf::anon_send(a, halo{1, 1, 11});
  caf::anon_send(a, halo{0, 1, 10});
  CHECK(got.get("the halos in step order") == std::vector<int>{10, 20, 11, 21});
}

TEST_CASE("receive by tag with a timeout yields errc::timeout when only rejected messages came",
          "[runtime][receive]") {
  auto n = start_node(2);
  outcome<std::string> got;
  auto a = troupe::spawn(n, [p = got.promise](troupe::context& self) -> troupe::task<> {
    auto even = [](const int& x) { return x % 2 == 0; };
    auto r = co_await troupe::receive<int>(self, troupe::where(even), 50ms);
    auto odd = co_await troupe::receive<int>(self);
    p->set_value((r ? "even" : r.error().message()) + " then " + std::to_string(odd));
  });
  caf::anon_send(a, 3);
  CHECK(got.get("the receives") == "receive of (int) timed out then 3");
}
