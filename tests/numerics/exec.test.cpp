// numerics::exec: kernel bodies passed by name, as the g++ 12 guard asks users to write them.
#include <troupe/numerics/exec.hpp>

#include <memory>
#include <numeric>
#include <vector>

#include "support.hpp"

using namespace troupe::numerics;
using troupe::numerics::test::test_node;

namespace {

// A kernel body as a user writes it in a coroutine: a named lambda that owns its captures.
troupe::task<long> doubled_sum(exec ex, std::vector<int> values) {
  auto sums = std::make_shared<std::vector<long>>(values.size());
  auto body = [values, sums](std::size_t i) { (*sums)[i] = 2L * values[i]; };
  co_await ex.for_each(0, values.size(), body);
  auto chunked = [values, sums](std::size_t, std::size_t b, std::size_t e) {
    for (auto i = b; i < e; ++i)
      (*sums)[i] += values[i];
  };
  co_await ex.for_chunks(values.size(), 4, chunked, "chunked");
  co_return std::accumulate(sums->begin(), sums->end(), 0L);
}

} // namespace

TEST_CASE("exec::for_each and for_chunks run a named lambda with owning captures",
          "[numerics][exec]") {
  test_node n{2};
  std::vector<int> values(1000, 1);
  CHECK(troupe::numerics::detail::run_now(doubled_sum(exec{*n}, values)) == 3000);
  auto awaited = troupe::numerics::test::in_actor(
      *n, [&](troupe::context& self) { return doubled_sum(exec{self}, values); });
  CHECK(awaited == 3000);
}
