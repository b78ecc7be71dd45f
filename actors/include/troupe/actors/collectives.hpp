/// @file
/// Collectives over a `group`, awaited from a member's coroutine: broadcast, scatter, gather,
/// reduce, allreduce, barrier.
///
/// Every member of the group runs the same collectives in the same order (with the same root
/// and value type); each awaits its own part and yields `result<...>`. Values are `double`,
/// `std::int64_t` or `troupe::actors::block` (doubles that cross nodes as bytes). Register the
/// message types on every node with `add_collective_types(cfg)`.
///
/// - **Same bits everywhere.** Reductions combine in rank order over a tree fixed by the
///   group's size (`tree_order_reduce` evaluates it serially), whatever the arrival order,
///   thread count or node placement; every member of an allreduce gets the same bits.
/// - **Consecutive collectives never mix.** Each member numbers its collectives on a group;
///   messages carry (group id, number, step) and are received by tag, so a member already in
///   collective k+1 while another is still in k is fine. Members run ahead as far as sends
///   allow: a member keeps at most 10,000 early messages (troupe's stash).
/// - **An ended member fails the collective, never hangs it.** A member watches each member
///   it waits for; when one ends before sending its part (an exception, a kill, a lost node, or
///   returning early), the wait fails naming its rank, name and id, and every other member
///   hears of it, so all of them fail instead of waiting: with `errc::unreachable` when the
///   member's node was lost (its connection broke or timed out), else `errc::actor_exited`.
///   The group is broken from then on: later collectives on it fail at once with the same
///   cause and code.
///
/// ```cpp
/// troupe::node_config cfg{"sim"};
/// troupe::actors::add_collective_types(cfg);   // on every node
/// // in a member's coroutine, with `g` the group it got:
/// auto total = co_await troupe::actors::allreduce(self, g, local_sum, troupe::actors::sum{});
/// if (!total) co_return;                        // total.error() names the member that ended
/// ```
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <caf/actor_system_config.hpp>

#include <troupe/actors/block.hpp>
#include <troupe/actors/detail/collective.hpp>
#include <troupe/actors/detail/trees.hpp>
#include <troupe/actors/group.hpp>
#include <troupe/actors/reduce_ops.hpp>
#include <troupe/context.hpp>
#include <troupe/result.hpp>
#include <troupe/task.hpp>

namespace troupe::actors {

namespace detail {

template <class T>
constexpr void check_value() {
  static_assert(collective_value<T> && !std::is_same_v<T, std::monostate>,
                "collectives carry double, std::int64_t or troupe::actors::block values");
}

} // namespace detail

/// Registers the message types of groups and collectives (`group`, `block`, the collectives'
/// own message) with `cfg` (a `troupe::node_config`): needed on every node of a group.
void add_collective_types(caf::actor_system_config& cfg);

/// Gives every member the `value` of member `root`: each yields it (`root` too). A binomial
/// tree from `root`: log2(n) steps.
///
/// ```cpp
/// double dt = rank == 0 ? choose_dt() : 0.0;
/// auto agreed = co_await troupe::actors::broadcast(self, g, dt, 0);
/// ```
template <class T>
task<result<T>> broadcast(context& self, group& g, T value, std::size_t root = 0) {
  detail::check_value<T>();
  detail::collective c{self, g, "broadcast"};
  if (auto e = c.start_error(root))
    co_return *e;
  co_return co_await detail::tree_broadcast(c, std::move(value), root, 0);
}

/// Gives member r `values[r]` of member `root` (which passes one value per member; the others
/// pass nothing): each yields its own.
///
/// ```cpp
/// std::vector<double> seeds = rank == 0 ? make_seeds(g.size()) : std::vector<double>{};
/// auto mine = co_await troupe::actors::scatter(self, g, seeds, 0);
/// ```
template <class T>
task<result<T>> scatter(context& self, group& g, std::vector<T> values, std::size_t root = 0) {
  detail::check_value<T>();
  detail::collective c{self, g, "scatter"};
  if (auto e = c.start_error(root))
    co_return *e;
  if (c.rank() != root)
    co_return co_await c.take<T>(root, 0);
  if (values.size() != c.size())
    co_return c.fail(g.describe(root) + ", the root, passed " + std::to_string(values.size()) +
                         " values for " + std::to_string(c.size()) +
                         " members: pass one value per member",
                     true);
  for (std::size_t r = 0; r < c.size(); ++r)
    if (r != root)
      c.send(r, 0, std::move(values[r]));
  co_return std::move(values[root]);
}

/// Collects every member's `value` at member `root`, which yields them in rank order; the
/// others yield an empty vector (they do not wait).
///
/// ```cpp
/// auto all = co_await troupe::actors::gather(self, g, local_energy, 0);
/// if (all && rank == 0) write_row(*all);
/// ```
template <class T>
task<result<std::vector<T>>> gather(context& self, group& g, T value, std::size_t root = 0) {
  detail::check_value<T>();
  detail::collective c{self, g, "gather"};
  if (auto e = c.start_error(root))
    co_return *e;
  if (c.rank() != root) {
    c.send(root, 0, std::move(value));
    co_return std::vector<T>{};
  }
  std::vector<T> all;
  all.reserve(c.size());
  for (std::size_t r = 0; r < c.size(); ++r) {
    if (r == root) {
      all.push_back(std::move(value));
      continue;
    }
    auto got = co_await c.take<T>(r, 0);
    if (!got)
      co_return got.error();
    all.push_back(std::move(*got));
  }
  co_return all;
}

/// Combines every member's `value` with `op` (`T op(const T&, const T&)`, e.g. `sum{}`) in
/// rank order over the fixed tree (`tree_order_reduce`): member `root` yields the result, the
/// others nothing. The same bits as `allreduce` and as `tree_order_reduce` of the values.
///
/// ```cpp
/// auto r = co_await troupe::actors::reduce(self, g, residual, troupe::actors::max{}, 0);
/// if (r && *r) std::cout << "max residual " << **r << '\n';   // on rank 0
/// ```
template <class T, class Op>
task<result<std::optional<T>>> reduce(context& self, group& g, T value, Op op,
                                      std::size_t root = 0) {
  detail::check_value<T>();
  detail::collective c{self, g, "reduce"};
  if (auto e = c.start_error(root))
    co_return *e;
  // Always to rank 0, then on to the root: the order of combination never depends on the root.
  auto part = co_await detail::tree_reduce(c, std::move(value), op, 0);
  if (!part || root == 0)
    co_return part;
  if (c.rank() == 0) {
    c.send(root, 1, std::move(**part));
    co_return std::optional<T>{};
  }
  if (c.rank() != root)
    co_return std::optional<T>{};
  auto got = co_await c.take<T>(0, 1);
  if (!got)
    co_return got.error();
  co_return std::optional<T>{std::move(*got)};
}

/// Combines every member's `value` with `op` as `reduce` does, and every member yields the
/// result (the same bits on each). Recursive doubling when the group's size is a power of two
/// (log2(n) exchanges), else a reduce to rank 0 and a broadcast.
///
/// ```cpp
/// auto residual = co_await troupe::actors::allreduce(self, g, local, troupe::actors::sum{});
/// if (!residual) co_return;               // a member ended: the error names it
/// ```
template <class T, class Op>
task<result<T>> allreduce(context& self, group& g, T value, Op op) {
  detail::check_value<T>();
  detail::collective c{self, g, "allreduce"};
  if (auto e = c.start_error())
    co_return *e;
  co_return co_await detail::tree_allreduce(c, std::move(value), op);
}

/// Resumes each member once every member has reached the barrier (an allreduce of nothing).
///
/// ```cpp
/// if (auto ok = co_await troupe::actors::barrier(self, g); !ok)
///   std::cerr << ok.error().message() << '\n';
/// ```
task<result<void>> barrier(context& self, group& g);

} // namespace troupe::actors
