/// @file
/// A part's state as bytes and back, through its CAF `inspect` overload: what a checkpoint
/// stores for each part.
#pragma once

#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include <troupe/actors/bulk.hpp>
#include <troupe/actors/detail/state_serializer.hpp>
#include <troupe/result.hpp>

namespace troupe::actors {

/// The bytes of one part's state: what `to_bytes` makes and a checkpoint stores per part. In a
/// message to another node CAF 0.17 writes a `std::vector<char>` as one run of bytes.
using part_bytes = std::vector<char>;

namespace detail {

/// "cannot save/read a part's state ...": `err` from CAF, rendered by `sys` when given.
troupe::error state_error(bool saving, const caf::error& err, std::size_t bytes,
                          const caf::actor_system* sys);

/// The bytes were read but `left` of them remain: they hold something other than the type read.
troupe::error state_leftover(std::size_t left, std::size_t bytes);

/// An empty buffer for `to_bytes`, with the capacity (and memory already touched) of one that
/// a checkpoint write gave back, when there is one: a fresh 64 MiB buffer costs 16,384 page
/// faults, which made filling it a quarter of a checkpoint's cost to the step loop.
part_bytes reusable_bytes();

/// Gives a large buffer back for `reusable_bytes` (the checkpoint writer, once written). The
/// process keeps at most 64 (one checkpoint of a run, which it held anyway); small buffers
/// are simply freed.
void recycle(part_bytes&& bytes);

template <class T>
result<part_bytes> to_bytes(caf::actor_system* sys, const T& x) {
  auto buf = reusable_bytes();
  state_serializer sink{sys ? sys->dummy_execution_unit() : nullptr, buf};
  // CAF 0.17's inspectors take non-const references for saving as well as loading.
  if (auto err = sink(const_cast<T&>(x)))
    return state_error(true, err, buf.size(), sys);
  return buf;
}

template <class T>
result<void> from_bytes(caf::actor_system* sys, std::span<const char> bytes, T& x) {
  state_deserializer source{sys ? sys->dummy_execution_unit() : nullptr, bytes.data(),
                            bytes.size()};
  if (auto err = source(x))
    return state_error(false, err, bytes.size(), sys);
  if (source.remaining() != 0)
    return state_leftover(source.remaining(), bytes.size());
  return {};
}

} // namespace detail

/// `x` as bytes through its `inspect` overload: CAF 0.17's binary format, except that floats
/// and doubles keep their bits (CAF's own packing turns -0.0 into 0.0, a NaN into -1.0 and a
/// subnormal into another number, and never returns from an infinity). Use `bulk` for arrays
/// of numbers inside the state. A part's state is an explicit value, never a coroutine frame
/// (Decision 8).
///
/// ```cpp
/// auto bytes = troupe::actors::to_bytes(state).value();       // in the part's actor
/// writer.start(info, std::move(all_parts));                   // see checkpoint_writer
/// auto back = troupe::actors::from_bytes<tile_state>(cp.read_part(rank).value()).value();
/// ```
template <class T>
result<part_bytes> to_bytes(const T& x) {
  return detail::to_bytes<T>(nullptr, x);
}

/// `to_bytes` for states holding what needs an actor system to serialise (actor handles,
/// messages).
template <class T>
result<part_bytes> to_bytes(caf::actor_system& sys, const T& x) {
  return detail::to_bytes<T>(&sys, x);
}

/// Reads `x` back from what `to_bytes` made. Every byte must be used: bytes left over mean
/// they hold another type (or another version of it), an error rather than a partial value.
template <class T>
result<void> from_bytes(std::span<const char> bytes, T& x) {
  return detail::from_bytes<T>(nullptr, bytes, x);
}

/// `from_bytes` into a new `T`.
template <class T>
requires std::is_default_constructible_v<T> result<T> from_bytes(std::span<const char> bytes) {
  T x{};
  if (auto r = detail::from_bytes<T>(nullptr, bytes, x); !r)
    return r.error();
  return x;
}

/// `from_bytes` for states holding what needs an actor system to deserialise.
template <class T>
result<void> from_bytes(caf::actor_system& sys, std::span<const char> bytes, T& x) {
  return detail::from_bytes<T>(&sys, bytes, x);
}

} // namespace troupe::actors
