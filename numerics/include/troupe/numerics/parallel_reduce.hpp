/// @file
/// `troupe::numerics::parallel_reduce`: a reduction whose result is bit-identical for any
/// thread count.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <troupe/numerics/errc.hpp>
#include <troupe/numerics/exec.hpp>

namespace troupe::numerics {

/// How to split a reduction.
struct reduce_options {
  /// The kernel's name, shown by introspection.
  const char* name = "parallel_reduce";
  /// The chunk count; 0 picks `reduce_chunks(n)`. Never derive it from the thread count if
  /// results must match across runs with different `--threads`.
  std::size_t chunks = 0;
};

/// The default chunk count of a reduction over `n` elements: one chunk per 8192 elements, at
/// most 256 and at least 1. It depends on `n` only, so the combine order is fixed.
constexpr std::size_t reduce_chunks(std::size_t n) noexcept {
  return std::clamp<std::size_t>((n + 8191) / 8192, 1, 256);
}

namespace detail {

/// Combines `parts` pairwise, level by level, in index order: ((p0·p1)·(p2·p3))·…
template <class T, class Combine>
T combine_tree(std::vector<T>& parts, Combine& combine) {
  auto size = parts.size();
  while (size > 1) {
    std::size_t half = size / 2;
    for (std::size_t i = 0; i < half; ++i)
      parts[i] = combine(std::move(parts[2 * i]), std::move(parts[2 * i + 1]));
    if (size % 2 == 1)
      parts[half] = std::move(parts[size - 1]);
    size = half + size % 2;
  }
  return std::move(parts[0]);
}

/// Reduces [begin, end) in order: `map(begin, end)` when `map` takes a range, else the left
/// fold `combine(…combine(identity, map(begin))…, map(end - 1))`.
template <class T, class Map, class Combine>
T reduce_range(Map& map, Combine& combine, const T& identity, std::size_t begin, std::size_t end) {
  if constexpr (std::invocable<Map&, std::size_t, std::size_t>) {
    return map(begin, end);
  } else {
    static_assert(std::invocable<Map&, std::size_t>,
                  "parallel_reduce needs map(std::size_t i) or map(std::size_t begin, "
                  "std::size_t end)");
    T acc = identity;
    for (auto i = begin; i < end; ++i)
      acc = combine(std::move(acc), map(i));
    return acc;
  }
}

template <class T, class Map, class Combine>
task<result<T>> parallel_reduce(exec ex, std::size_t first, std::size_t last, T identity, Map map,
                                Combine combine, reduce_options opts) {
  if (first >= last)
    co_return make_error(errc::empty_input,
                         std::string{opts.name} + ": the range [" + std::to_string(first) + ", " +
                             std::to_string(last) + ") is empty; reduce at least one element");
  auto n = last - first;
  auto chunks = opts.chunks != 0 ? std::min(opts.chunks, n) : reduce_chunks(n);
  std::vector<T> parts(chunks, identity);
  co_await ex.for_chunks(
      n, chunks,
      [&](std::size_t c, std::size_t b, std::size_t e) {
        parts[c] = reduce_range(map, combine, identity, first + b, first + e);
      },
      opts.name);
  co_return combine_tree(parts, combine);
}

} // namespace detail

/// Reduces [first, last) on the pool; the result is the same bit for bit whatever the thread
/// count, because the chunks (see `reduce_options`) and the combine order are fixed.
///
/// `map` is `T map(std::size_t begin, std::size_t end)` (reduce a chunk yourself, e.g. with
/// vector instructions) or `T map(std::size_t i)` (folded left with `combine` from `identity`
/// within each chunk). The chunk partials are combined pairwise in index order. `map` and
/// `combine` must be deterministic, and `combine` is applied to values from different chunks
/// concurrently. An empty range yields `errc::empty_input`.
///
/// ```cpp
/// // In a coroutine actor (synchronously: pass the node instead of self, drop co_await):
/// auto s = co_await troupe::numerics::parallel_reduce(
///   self, 0, v.size(), 0.0, [&](std::size_t i) { return v[i] * v[i]; });
/// if (s) use(*s);
/// ```
template <place On, class T, class Map, class Combine = std::plus<>>
returns<On, T> parallel_reduce(On& on, std::size_t first, std::size_t last, T identity, Map map,
                               Combine combine = {}, reduce_options opts = {}) {
  return detail::finish<On, T>(detail::parallel_reduce<T>(detail::make_exec(on), first, last,
                                                          std::move(identity), std::move(map),
                                                          std::move(combine), opts));
}

} // namespace troupe::numerics
