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
