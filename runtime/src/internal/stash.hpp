// Internal: the messages an actor keeps for a later receive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>

#include <troupe/context.hpp>

namespace troupe::detail {

/// Messages that arrived while nothing took them, kept in arrival order per signature (the
/// types of their elements), so that a receive looks only at messages of its own types.
///
/// CAF's own selective receive (`skip`) leaves such messages in the mailbox and re-offers all of
/// them to the behavior after every consumed message: with k kept messages each receive costs
/// O(k) handler calls. Here a receive costs one hash lookup plus a scan of the messages of its
/// own signature (bench/receive_stash).
class stash {
public:
  /// Keeps `msg`; its signature is computed from its elements.
  void push(received_message msg);

  /// Takes the oldest message that `match` accepts into `out`.
  bool take(const receive_match& match, received_message& out);

  [[nodiscard]] std::size_t size() const noexcept {
    return size_;
  }

  /// Removes every message, calling `f(received_message&)` on each (actor exit).
  template <class F>
  void drain(F&& f) {
    for (auto& [sig, q] : by_signature_)
      for (auto& m : q)
        f(m);
    by_signature_.clear();
    size_ = 0;
  }

private:
  std::unordered_map<std::size_t, std::deque<received_message>> by_signature_;
  std::size_t size_ = 0;
};

/// How many messages one actor keeps for later receives before it drops new ones (counted in
/// its snapshot as `dropped`, with one warning on stderr per actor).
inline constexpr std::size_t stash_limit = 10'000;

} // namespace troupe::detail
