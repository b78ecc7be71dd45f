// pricer: what the farm sends between processes: one chunk's task and its sums. Doubles cross
// as their 64 bits (CAF 0.17's own packing of a double is lossy for -0.0, NaN and subnormals).
#pragma once

#include <bit>
#include <cstdint>

#include <caf/actor_system_config.hpp>
#include <caf/deserializer.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/serializer.hpp>

#include "model.hpp"

namespace pricer {

/// One task of the farm: chunk `chunk` of the run `p`.
struct chunk_task {
  params p;
  std::uint64_t chunk = 0;
};

namespace detail {

// Saves or loads (CAF's serializer or deserializer) with doubles as bits.
template <class Processor>
caf::error exchange(Processor& f, chunk_task& x) {
  auto& p = x.p;
  auto kind = static_cast<std::int32_t>(p.kind);
  std::uint64_t d[5] = {std::bit_cast<std::uint64_t>(p.spot),
                        std::bit_cast<std::uint64_t>(p.strike),
                        std::bit_cast<std::uint64_t>(p.rate), std::bit_cast<std::uint64_t>(p.sigma),
                        std::bit_cast<std::uint64_t>(p.maturity)};
  auto err =
      f(kind, d[0], d[1], d[2], d[3], d[4], p.paths, p.time_steps, p.seed, p.chunk_paths, x.chunk);
  if (!err) {
    p.kind = static_cast<option_kind>(kind);
    p.spot = std::bit_cast<double>(d[0]);
    p.strike = std::bit_cast<double>(d[1]);
    p.rate = std::bit_cast<double>(d[2]);
    p.sigma = std::bit_cast<double>(d[3]);
    p.maturity = std::bit_cast<double>(d[4]);
  }
  return err;
}

template <class Processor>
caf::error exchange(Processor& f, chunk_result& x) {
  auto sum = std::bit_cast<std::uint64_t>(x.sum);
  auto squares = std::bit_cast<std::uint64_t>(x.sum_squares);
  auto err = f(sum, squares, x.count);
  if (!err) {
    x.sum = std::bit_cast<double>(sum);
    x.sum_squares = std::bit_cast<double>(squares);
  }
  return err;
}

} // namespace detail

inline caf::error inspect(caf::serializer& f, chunk_task& x) {
  return detail::exchange(f, x);
}

inline caf::error inspect(caf::deserializer& f, chunk_task& x) {
  return detail::exchange(f, x);
}

inline caf::error inspect(caf::serializer& f, chunk_result& x) {
  return detail::exchange(f, x);
}

inline caf::error inspect(caf::deserializer& f, chunk_result& x) {
  return detail::exchange(f, x);
}

/// Other inspectors (CAF's `to_string`) see the chunk number and the path count.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chunk_task& x) {
  return f(caf::meta::type_name("pricer::chunk_task"), x.chunk, x.p.paths);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chunk_result& x) {
  return f(caf::meta::type_name("pricer::chunk_result"), x.count);
}

/// Registers the task and result types with `cfg` (on every node of the farm).
inline void add_wire_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<chunk_task>("pricer::chunk_task");
  cfg.add_message_type<chunk_result>("pricer::chunk_result");
}

} // namespace pricer
