/// @file
/// `troupe::actors::block`: doubles that cross nodes as one run of bytes.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>

namespace troupe::actors {

/// A contiguous block of doubles for messages: halos, tiles, vectors in collectives.
///
/// CAF 0.17 serialises a `std::vector<double>` element by element (≈121 MiB/s at 64 KiB here
/// against ≈1 GB/s for a string of the same size); a block goes to another node as one run of
/// bytes, its doubles' memory as it is (Decision 10). Nodes of one simulation run one build on
/// one kind of machine (Decision 6), so the byte order is the same at both ends. Between actors
/// of one node nothing is serialised at all. Register it on every node with
/// `add_block_type(cfg)`.
///
/// ```cpp
/// troupe::node_config cfg{"sim"};
/// troupe::actors::add_block_type(cfg);
/// troupe::actors::block edge{std::vector<double>(n, 0.0)};
/// self.send(west, step, std::move(edge));          // to any node
/// auto got = co_await troupe::receive<int, troupe::actors::block>(self);
/// ```
struct block {
  block() = default;

  /// Takes over `values` (no copy).
  explicit block(std::vector<double> values)
    : values(std::move(values)) {
  }

  [[nodiscard]] std::size_t size() const noexcept {
    return values.size();
  }

  [[nodiscard]] double* data() noexcept {
    return values.data();
  }

  [[nodiscard]] const double* data() const noexcept {
    return values.data();
  }

  double& operator[](std::size_t i) noexcept {
    return values[i];
  }

  double operator[](std::size_t i) const noexcept {
    return values[i];
  }

  /// Element-wise equality (as `std::vector`'s: NaN differs from itself).
  friend bool operator==(const block&, const block&) = default;

  /// The doubles, in order.
  std::vector<double> values;
};

/// Writes the doubles as one run of bytes (their count in bytes first).
caf::error inspect(caf::serializer& f, block& x);

/// Reads what the serializer's overload wrote; a byte count that is not a whole number of
/// doubles is an error naming the block.
caf::error inspect(caf::deserializer& f, block& x);

/// Other inspectors (CAF's `to_string`) see the doubles as a list.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, block& x) {
  return f(caf::meta::type_name("troupe::actors::block"), x.values);
}

/// Registers `block` as a message type named "troupe::actors::block" with `cfg` (a
/// `troupe::node_config`): needed on every node that sends or receives one.
void add_block_type(caf::actor_system_config& cfg);

} // namespace troupe::actors
