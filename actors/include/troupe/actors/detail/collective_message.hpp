/// @file
/// The one message type of collectives: a value, or news that the collective failed.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <variant>

#include <caf/actor_system_config.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>

#include <troupe/actors/block.hpp>
#include <troupe/errc.hpp>

namespace troupe::actors::detail {

/// News that a collective failed: which member's end broke it, in words, and the code the
/// collective fails with (`errc::unreachable` when that member's node was lost, so that every
/// member, on any node, can tell a lost node from a member's own failure).
struct failure {
  troupe::errc code = troupe::errc::actor_exited;
  std::string what;

  friend bool operator==(const failure&, const failure&) = default;
};

/// What a collective message carries: nothing (barrier), a value, or a failure.
using payload = std::variant<std::monostate, double, std::int64_t, block, failure>;

/// The sequence number of the message a member sends itself when a member it watches ends (see
/// `context::watch`): no collective has it.
inline constexpr std::uint64_t ended_seq = std::numeric_limits<std::uint64_t>::max();

/// The phase of a failure notice (a collective's steps number their phases from 0).
inline constexpr std::uint32_t failed_phase = std::numeric_limits<std::uint32_t>::max();

/// One message of a collective: for collective `seq` of group `group`, from rank `from`, step
/// `phase`. One type for values and failures, so that one receive by tag awaits either; a
/// receive takes the oldest match, so a value sent before its sender ended is taken before the
/// news of the end.
struct collective_message {
  std::uint64_t group = 0;
  std::uint64_t seq = 0;
  std::uint32_t phase = 0;
  std::uint32_t from = 0;
  payload value;
};

/// Writes the header, the payload's index and the payload (a block as one run of bytes, a
/// double as its 64 bits: CAF 0.17's own packing turns -0.0 into 0.0, NaN into -1.0, changes
/// subnormals and never returns from an infinity, so a diverging residual would hang the node).
caf::error inspect(caf::serializer& f, collective_message& x);

/// Reads what the serializer's overload wrote.
caf::error inspect(caf::deserializer& f, collective_message& x);

/// Other inspectors (CAF's `to_string`) see the header and the payload's index.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, collective_message& x) {
  auto kind = static_cast<std::uint32_t>(x.value.index());
  return f(caf::meta::type_name("troupe::actors::collective_message"), x.group, x.seq, x.phase,
           x.from, kind);
}

} // namespace troupe::actors::detail
