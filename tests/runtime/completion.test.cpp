// troupe's own completions (kernels, timers, replies) reach only the await they belong to.
#include "fixture.hpp"

#include <cstdint>

using namespace troupe::test;

TEST_CASE("a forged resume message sent from outside cannot wake a suspended request",
          "[runtime][completion]") {
  auto n = start_node(2);
  auto silent = troupe::spawn(n, [](troupe::context&) -> troupe::behavior {
    return {[](int) -> caf::result<int> { return caf::delegated<int>{}; }}; // never answers
  });
  outcome<std::string> got;
  auto asker = troupe::spawn(n, [silent, p = got.promise](troupe::context& self) -> troupe::task<> {
    auto r = co_await troupe::request<int>(self, silent, 300ms, 1);
    p->set_value(r ? "a reply of " + std::to_string(*r) : r.error().message());
  });
  // What resumed a token before troupe's completions were private, and what resembles them.
  for (std::uint64_t token = 0; token < 8; ++token) {
    caf::anon_send(asker, caf::atom("t_resume"), token);
    caf::anon_send(asker, token);
  }
  CHECK_THAT(got.get("the request to time out"), Catch::Contains("timed out"));
}

TEST_CASE("a user handler for (atom, uint64) does not swallow troupe's timer",
          "[runtime][completion][behavior]") {
  auto n = start_node(2);
  auto server = troupe::spawn(n, [](troupe::context& self) -> troupe::behavior {
    return {
        [](caf::atom_value, std::uint64_t) {},
        [&self](int x) -> troupe::task<int> {
          co_await troupe::sleep(self, 10ms);
          co_return x + 1;
        },
    };
  });
  caf::scoped_actor client{n.system()};
  std::string got = "no answer";
  client->request(server, std::chrono::seconds(10), 41)
      .receive([&](int v) { got = std::to_string(v); },
               [&](caf::error& e) { got = n.system().render(e); });
  CHECK(got == "42");
}

TEST_CASE("a kernel's completion resumes its own await while user messages wait for receives",
          "[runtime][completion][parallel_for]") {
  auto n = start_node(2);
  outcome<std::string> got;
  auto a = troupe::spawn(n, [p = got.promise](troupe::context& self) -> troupe::task<> {
    std::vector<int> v(1000, 1);
    co_await troupe::parallel_for(self, 0, v.size(), [&](std::size_t i) { v[i] += 1; });
    auto forged = co_await troupe::receive<caf::atom_value, std::uint64_t>(self);
    p->set_value(std::to_string(v[999]) + " " + caf::to_string(std::get<0>(forged)));
  });
  caf::anon_send(a, caf::atom("t_resume"), std::uint64_t{1});
  CHECK(got.get("the kernel and the receive") == "2 t_resume");
}
