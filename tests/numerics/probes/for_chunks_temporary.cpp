// Compile-time negative control for the g++ 12 guard (troupe/detail/await_argument.hpp): a
// lambda with an owning capture written inside `co_await ex.for_chunks(...)` must not compile
// on g++ before 13. ctest compiles this file and expects the guard's message.
#include <memory>

#include <troupe/numerics/exec.hpp>

troupe::task<> body(troupe::numerics::exec ex) {
  auto data = std::make_shared<int>(1);
  co_await ex.for_chunks(
      10, 2, [data](std::size_t, std::size_t, std::size_t) { (void)*data; }, "probe");
}
