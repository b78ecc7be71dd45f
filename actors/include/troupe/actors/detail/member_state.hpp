/// @file
/// What one member of a group keeps about its collectives on that group.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include <troupe/errc.hpp>

namespace troupe::actors::detail {

/// One actor's bookkeeping for its collectives on one group (held by its copies of the group).
struct member_state {
  member_state(caf::actor_id owner, std::optional<std::size_t> rank, std::size_t size)
    : owner(owner)
    , rank(rank)
    , watched(size, false)
    , ended(size) {
  }

  /// The actor this state belongs to (a copy of the group in another actor starts anew).
  caf::actor_id owner;
  /// The owner's rank, or nothing when it is not a member.
  std::optional<std::size_t> rank;
  /// How many collectives the owner started on the group: the next one's sequence number.
  std::uint64_t seq = 0;
  /// The members whose end the owner watches (from the first time it waits for them).
  std::vector<bool> watched;
  /// How members the owner waited for ended (an ended member sends nothing more).
  std::vector<std::optional<std::string>> ended;
  /// What broke the group for the owner (its code and cause, without a collective's prefix):
  /// every later collective fails with it.
  std::optional<troupe::error> broken;
};

} // namespace troupe::actors::detail
