// Compile-time negative control for the g++ 12 guard (troupe/detail/await_argument.hpp): an
// aggregate message with an owning member written inside `co_await troupe::request<R>(...)`
// must not compile on g++ before 13. ctest compiles this file and expects the guard's message.
#include <string>

#include <troupe/troupe.hpp>

struct label {
  std::string text;
};

troupe::task<> body(troupe::context& self, caf::actor who) {
  (void)co_await troupe::request<int>(self, who, troupe::infinite, label{"text"});
}
