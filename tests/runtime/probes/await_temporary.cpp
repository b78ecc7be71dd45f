// Compile-time negative control for the g++ 12 guard (troupe/detail/await_argument.hpp): a
// lambda with an owning capture written inside `co_await troupe::parallel_for(...)` must not
// compile on g++ before 13. ctest compiles this file and expects the guard's message.
#include <memory>

#include <troupe/troupe.hpp>

troupe::task<> body(troupe::context& self) {
  auto data = std::make_shared<int>(1);
  co_await troupe::parallel_for(self, 0, 10, [data](std::size_t) { (void)*data; });
}
