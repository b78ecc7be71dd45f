/// @file
/// The fixed trees collectives run on: a binomial tree by rank, and recursive doubling.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <troupe/actors/detail/collective.hpp>
#include <troupe/task.hpp>

namespace troupe::actors::detail {

/// Sends `value` down the binomial tree rooted at `root` (ranks renumbered from it): each
/// member takes it from its parent and passes it to its children, largest subtree first.
template <class T>
task<result<T>> tree_broadcast(collective& c, T value, std::size_t root, std::uint32_t phase) {
  auto n = c.size();
  auto v = (c.rank() + n - root) % n;
  if (v != 0) {
    auto got = co_await c.take<T>(((v & (v - 1)) + root) % n, phase);
    if (!got)
      co_return got;
    value = std::move(*got);
  }
  std::vector<std::size_t> children;
  for (auto mask = (v == 0 ? std::bit_ceil(n) : v & (~v + 1)) >> 1; mask > 0; mask >>= 1)
    if (v + mask < n)
      children.push_back((v + mask + root) % n);
  c.send(children, phase, value);
  co_return value;
}

/// Combines every member's `value` at rank 0 over the binomial tree by rank: in round k, a
/// member whose rank has bit k set sends its partial to rank - 2^k and is done; the others
/// take `op(partial, partial of rank + 2^k)`. Rank 0 yields the whole (`tree_order_reduce`'s
/// order), the others nothing.
template <class T, class Op>
task<result<std::optional<T>>> tree_reduce(collective& c, T value, Op& op, std::uint32_t phase) {
  auto n = c.size();
  auto r = c.rank();
  for (std::size_t mask = 1; mask < n; mask <<= 1) {
    if ((r & mask) != 0) {
      c.send(r - mask, phase, std::move(value));
      co_return std::optional<T>{};
    }
    if (r + mask < n) {
      auto got = co_await c.take<T>(r + mask, phase);
      if (!got)
        co_return got.error();
      value = op(value, *got);
    }
  }
  co_return std::optional<T>{std::move(value)};
}

/// Allreduce over the fixed tree. For a power-of-two size, recursive doubling: in round k
/// each member exchanges its partial with rank r xor 2^k and both compute `op(lower ranks'
/// partial, upper ranks' partial)`, the same operation on the same operands as `tree_reduce`
/// (so the same bits), in log2(n) rounds instead of 2·log2(n). Other sizes reduce to rank 0
/// and broadcast from there.
template <class T, class Op>
task<result<T>> tree_allreduce(collective& c, T value, Op& op) {
  auto r = c.rank();
  if (!std::has_single_bit(c.size())) {
    auto part = co_await tree_reduce(c, std::move(value), op, 0);
    if (!part)
      co_return part.error();
    T whole = r == 0 ? std::move(**part) : T{};
    co_return co_await tree_broadcast(c, std::move(whole), 0, 1);
  }
  std::uint32_t round = 0;
  for (std::size_t mask = 1; mask < c.size(); mask <<= 1, ++round) {
    auto partner = r ^ mask;
    c.send(partner, round, value);
    auto got = co_await c.take<T>(partner, round);
    if (!got)
      co_return got;
    value = r < partner ? op(value, *got) : op(*got, value);
  }
  co_return value;
}

} // namespace troupe::actors::detail
