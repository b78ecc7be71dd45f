// The g++ 12 guard of troupe/detail/await_argument.hpp: which arguments it refuses, and that the
// forms it asks for instead work (probes/await_temporary.cpp checks the refusal itself).
#include "fixture.hpp"

#include <memory>
#include <string>
#include <vector>

#include <troupe/detail/await_argument.hpp>

using namespace troupe::test;

namespace {

struct label {
  std::string text;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, label& x) {
  return f(x.text);
}

troupe::behavior measurer(troupe::context&) {
  return {[](const label& l) { return static_cast<int>(l.text.size()); },
          [](const std::string& s) { return static_cast<int>(s.size()); }};
}

} // namespace

TEST_CASE("the g++ 12 guard refuses owning temporaries and accepts named or trivial ones",
          "[runtime][await_argument]") {
  using owning = decltype([p = std::make_shared<int>(1)] { return *p; });
  using by_reference = decltype([] {});
  constexpr bool bug = TROUPE_GCC12_AWAIT_TEMPORARIES;
  STATIC_REQUIRE(troupe::detail::safe_callable_argument<owning&&> == !bug);
  STATIC_REQUIRE(troupe::detail::safe_callable_argument<owning&>);
  STATIC_REQUIRE(troupe::detail::safe_callable_argument<by_reference&&>);
  STATIC_REQUIRE(troupe::detail::safe_message_argument<label&&> == !bug);
  STATIC_REQUIRE(troupe::detail::safe_message_argument<label&>);
  STATIC_REQUIRE(troupe::detail::safe_message_argument<std::string&&>);
  STATIC_REQUIRE(troupe::detail::safe_message_argument<int&&>);
}

TEST_CASE("a named lambda with owning captures runs as a kernel", "[runtime][await_argument]") {
  auto n = start_node(2);
  auto data = std::make_shared<std::vector<int>>(1000, 1);
  outcome<long> got;
  troupe::spawn(n, [data, p = got.promise](troupe::context& self) -> troupe::task<> {
    auto copy = *data;
    auto sums = std::make_shared<std::vector<long>>(copy.size());
    auto body = [copy, sums](std::size_t i) { (*sums)[i] = copy[i] * 2; };
    co_await troupe::parallel_for(self, 0, copy.size(), body);
    long total = 0;
    for (auto s : *sums)
      total += s;
    p->set_value(total);
  });
  CHECK(got.get("the kernel's sum") == 2000);
}

TEST_CASE("requests carrying a named aggregate or a string temporary get their replies",
          "[runtime][await_argument]") {
  auto n = start_node(2);
  auto m = troupe::spawn(n, measurer);
  outcome<std::pair<int, int>> got;
  troupe::spawn(n, [m, p = got.promise](troupe::context& self) -> troupe::task<> {
    label l{"a label longer than the small-string buffer"};
    auto named = co_await troupe::request<int>(self, m, 5s, l);
    auto temporary = co_await troupe::request<int>(self, m, 5s, std::string(50, 'y'));
    p->set_value({named ? *named : -1, temporary ? *temporary : -1});
  });
  CHECK(got.get("the replies") == std::pair{43, 50});
}
