// Helpers shared by the numerics tests: nodes with N workers, running a kernel inside an
// actor, and bit-for-bit comparison.
#pragma once

#include <chrono>
#include <cstring>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include <Eigen/Core>
#include <catch2/catch.hpp>

#include <troupe/troupe.hpp>

namespace troupe::numerics::test {

using namespace std::chrono_literals;

/// A node with `threads` workers.
struct test_node {
  explicit test_node(std::size_t threads) {
    node_config cfg{"numerics-test"};
    cfg.threads = threads;
    auto n = node::start(std::move(cfg));
    if (!n)
      FAIL("node did not start: " << n.error().message());
    self.emplace(std::move(*n));
  }

  node& operator*() noexcept {
    return *self;
  }

  node* operator->() noexcept {
    return &*self;
  }

  std::optional<node> self;
};

/// Runs `body(self)` inside a fresh coroutine actor on `n`, awaits the task it returns and
/// hands back the awaited value.
template <class F>
auto in_actor(node& n, F body) {
  using task_type = std::invoke_result_t<F&, context&>;
  using value_type = decltype(std::declval<task_type>().operator co_await().await_resume());
  auto promise = std::make_shared<std::promise<value_type>>();
  auto future = promise->get_future();
  troupe::spawn(n, [promise, body](context& self) -> task<> {
    try {
      promise->set_value(co_await body(self));
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
  if (future.wait_for(60s) != std::future_status::ready)
    FAIL("the actor did not finish its kernel within 60 s");
  return future.get();
}

/// Whether two doubles are the same bits (NaN equals the same NaN).
inline bool same_bits(double x, double y) noexcept {
  return std::memcmp(&x, &y, sizeof(double)) == 0;
}

/// Whether two Eigen objects have the same shape and the same bits in every element.
template <class A, class B>
bool same_bits(const Eigen::DenseBase<A>& x, const Eigen::DenseBase<B>& y) {
  if (x.rows() != y.rows() || x.cols() != y.cols())
    return false;
  typename A::PlainObject a = x;
  typename B::PlainObject b = y;
  return std::memcmp(a.data(), b.data(), sizeof(typename A::Scalar) * a.size()) == 0;
}

} // namespace troupe::numerics::test
