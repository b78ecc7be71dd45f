#include "fixture.hpp"

#include <stdexcept>
#include <system_error>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

using namespace troupe::test;

namespace {

// A category that troupe does not know, as a third-party library's would be.
class solver_category final : public std::error_category {
public:
  const char* name() const noexcept override {
    return "solver";
  }
  std::string message(int) const override {
    return "solver failure";
  }
};

const solver_category solver;

// `x` written with CAF's binary serializer and read back, as a message crossing nodes is.
troupe::error round_trip(caf::actor_system& sys, troupe::error x) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  REQUIRE_FALSE(sink(x));
  troupe::error y;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(source(y));
  return y;
}

// The exit reason of `who` as a troupe error, waiting up to 20 s.
caf::error exit_error_of(caf::actor_system& sys, const caf::actor& who) {
  caf::scoped_actor self{sys};
  self->monitor(who);
  caf::error reason;
  bool down = false;
  self->receive(
      [&](caf::down_msg& dm) {
        reason = dm.reason;
        down = true;
      },
      caf::after(std::chrono::seconds(20)) >> [] {});
  REQUIRE(down);
  return reason;
}

} // namespace

TEST_CASE("errc keeps the values it has on the wire", "[runtime][errc]") {
  using troupe::errc;
  std::vector<std::pair<errc, int>> pinned{
      {errc::bad_option, 1},         {errc::timeout, 2},
      {errc::unreachable, 3},        {errc::type_not_registered, 4},
      {errc::unexpected_message, 5}, {errc::actor_exited, 6},
      {errc::no_such_actor_type, 7}, {errc::request_failed, 8},
      {errc::wrong_reply_type, 9},   {errc::port_unavailable, 10},
      {errc::exception, 11},         {errc::help_requested, 12},
      {errc::foreign_category, 13},  {errc::name_taken, 14},
      {errc::no_such_name, 15},      {errc::no_simulation, 16},
  };
  for (auto [e, value] : pinned) {
    INFO(troupe::to_string(e));
    CHECK(static_cast<int>(e) == value);
    CHECK(std::string{troupe::to_string(e)} != "unknown");
  }
}

TEST_CASE("an exception in a coroutine body ends the actor with errc::exception and its text",
          "[runtime][errc][exit]") {
  auto n = start_node(2);
  auto a = troupe::spawn(n, [](troupe::context&) -> troupe::task<> {
    throw std::runtime_error("tile 3 diverged at step 17");
    co_return;
  });
  auto reason = exit_error_of(n.system(), a);
  CHECK(reason.category() == troupe::error_category_atom);
  auto e = troupe::detail::from_troupe_category(reason);
  CHECK(e == troupe::errc::exception);
  CHECK(e.message() == "tile 3 diverged at step 17");
  CHECK(n.system().render(reason) == "troupe::exception: tile 3 diverged at step 17");
}

TEST_CASE("a coroutine requester gets errc::exception and the text when a coroutine handler "
          "throws",
          "[runtime][errc][request]") {
  auto n = start_node(2);
  auto thrower = troupe::spawn(n, [](troupe::context&) -> troupe::behavior {
    return {[](int) -> troupe::task<int> {
      throw std::invalid_argument("negative mass");
      co_return 0;
    }};
  });
  outcome<troupe::error> got;
  troupe::spawn(n, [thrower, p = got.promise](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<int>(self, thrower, 10s, 1);
    p->set_value(r ? troupe::error{} : r.error());
  });
  auto e = got.get("the request's error");
  CHECK(e == troupe::errc::exception);
  CHECK(e.message() == "negative mass");
}

TEST_CASE("a coroutine requester gets errc::exception and the text when a plain handler throws",
          "[runtime][errc][request]") {
  auto n = start_node(2);
  auto thrower = troupe::spawn(n, [](troupe::context&) -> troupe::behavior {
    return {[](int) -> int { throw std::domain_error("pressure out of range"); }};
  });
  outcome<troupe::error> got;
  troupe::spawn(n, [thrower, p = got.promise](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<int>(self, thrower, 10s, 1);
    p->set_value(r ? troupe::error{} : r.error());
  });
  auto e = got.get("the request's error");
  INFO(troupe::to_string(static_cast<troupe::errc>(e.code().value())) << ": " << e.message());
  CHECK(e == troupe::errc::exception);
  CHECK(e.message() == "pressure out of range");
}

TEST_CASE("troupe::error keeps its code, category and message through serialization",
          "[runtime][errc]") {
  auto n = start_node(1);
  auto& sys = n.system();
  auto timeout = round_trip(sys, {troupe::errc::timeout, "halo from west, step 12, timed out"});
  CHECK(timeout == troupe::errc::timeout);
  CHECK(timeout.code().category() == troupe::error_category());
  CHECK(timeout.message() == "halo from west, step 12, timed out");
  auto refused = round_trip(
      sys, {std::make_error_code(std::errc::connection_refused), "checkpoint server refused"});
  CHECK(refused.code() == std::errc::connection_refused);
  CHECK(refused.message() == "checkpoint server refused");
  auto none = round_trip(sys, {});
  CHECK_FALSE(none);
  CHECK(none.message().empty());
}

TEST_CASE("troupe::error of a category the receiver does not know arrives as foreign_category, "
          "naming it",
          "[runtime][errc]") {
  auto n = start_node(1);
  auto e = round_trip(n.system(), {std::error_code{42, solver}, "matrix is singular"});
  CHECK(e == troupe::errc::foreign_category);
  CHECK(e.message() == "matrix is singular (error 42 of category 'solver' on the sending node)");
}

TEST_CASE("troupe::error is a registered message type on every node", "[runtime][errc]") {
  // What check_portable asks before a message goes to another node.
  auto n = start_node(1);
  CHECK(n.system().types().make_value("troupe::error") != nullptr);
}
