/// @file
/// One collective of one member: its sequence number, sends, and waits that fail when a member
/// they depend on ends.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <troupe/actors/detail/collective_message.hpp>
#include <troupe/actors/detail/member_state.hpp>
#include <troupe/actors/group.hpp>
#include <troupe/context.hpp>
#include <troupe/receive.hpp>
#include <troupe/result.hpp>

namespace troupe::actors::detail {

/// The value types collectives carry (a payload alternative each; `std::monostate` for none).
template <class T>
concept collective_value = std::is_same_v<T, double> || std::is_same_v<T, std::int64_t> ||
    std::is_same_v<T, block> || std::is_same_v<T, std::monostate>;

/// The name of payload alternative `index`, for errors.
const char* payload_name(std::size_t index) noexcept;

/// The index of `T` among the payload's alternatives.
template <class T, class... Ts>
constexpr std::size_t alternative_index(const std::variant<Ts...>*) noexcept {
  constexpr bool same[] = {std::is_same_v<T, Ts>...};
  std::size_t i = 0;
  while (!same[i])
    ++i;
  return i;
}

template <class T>
inline constexpr std::size_t payload_index = alternative_index<T>(static_cast<payload*>(nullptr));

/// Which message a wait takes: the value for (seq, phase) from rank `from`, the news that
/// `from` ended (sent by this member's watch of it), or a failure notice of this or an earlier
/// collective of the group. Trivially copyable: g++ 12 may copy it bitwise.
struct wanted {
  std::uint64_t group;
  std::uint64_t seq;
  std::uint32_t phase;
  std::uint32_t from;

  bool operator()(const collective_message& m) const noexcept {
    if (m.group != group)
      return false;
    if (m.seq == ended_seq)
      return m.from == from;
    if (m.phase == failed_phase)
      return m.seq <= seq;
    return m.seq == seq && m.phase == phase && m.from == from;
  }
};

template <class T>
class take_awaiter;

/// One collective of the calling member: made at the start of each collective, it takes the
/// next sequence number of the member's group.
class collective {
public:
  /// Starts collective `what` (a name for errors) of `self` on `g`.
  collective(context& self, group& g, const char* what);

  /// Why this collective cannot start: `self` is not a member, `root` is not a rank, or an
  /// earlier collective failed (then this one fails alike).
  [[nodiscard]] std::optional<troupe::error> start_error(std::size_t root = 0) const;

  [[nodiscard]] std::size_t rank() const noexcept {
    return *state_->rank;
  }

  [[nodiscard]] std::size_t size() const noexcept {
    return group_->size();
  }

  /// Sends `value` for step `phase` to each rank in `to`.
  void send(const std::vector<std::size_t>& to, std::uint32_t phase, payload value);

  /// Sends `value` for step `phase` to rank `to`.
  void send(std::size_t to, std::uint32_t phase, payload value);

  /// Awaits the `T` that rank `from` sends for step `phase`; yields an error naming the member
  /// whose end made this collective fail.
  template <class T>
  take_awaiter<T> take(std::size_t from, std::uint32_t phase) {
    return {*this, from, phase};
  }

  /// Fails this collective with `why` (its code, and its cause in words): the group is broken
  /// for this member from now on, and with `notify` every other member hears of it (they may
  /// wait for this one, or for the member that ended). Yields the error this collective's
  /// await fails with.
  troupe::error fail(const failure& why, bool notify);

  /// Fails this collective over a member's own mistake (`errc::actor_exited`, `cause` in words).
  troupe::error fail(const std::string& cause, bool notify);

  // -- used by take_awaiter -----------------------------------------------------------------

  /// An error when the wait for `from` cannot succeed; else makes sure `from` is watched.
  std::optional<troupe::error> before_wait(std::size_t from);

  /// The value a wait for `from` took, or the error its message says.
  result<payload> settle(collective_message m, std::size_t from, std::size_t expected);

  [[nodiscard]] wanted want(std::size_t from, std::uint32_t phase) const noexcept {
    return {group_->id(), seq_, phase, static_cast<std::uint32_t>(from)};
  }

  [[nodiscard]] context& self() const noexcept {
    return *self_;
  }

  /// Rank `from` as the await graph's expected sender of a wait for it.
  [[nodiscard]] troupe::detail::expected_senders sender(std::size_t from) const {
    return {&(*group_)[from], 1, "collective"};
  }

private:
  /// "allreduce #3 on group 5f0c9e...: " before every error of this collective.
  [[nodiscard]] std::string prefix() const;

  /// The error of this collective on a group that an earlier failure broke.
  [[nodiscard]] troupe::error broken_error() const;

  context* self_;
  group* group_;
  member_state* state_;
  std::uint64_t seq_;
  const char* what_;
};

/// Awaits one value of a collective (see `collective::take`).
template <class T>
class take_awaiter {
public:
  take_awaiter(collective& c, std::size_t from, std::uint32_t phase)
    : c_(&c)
    , from_(from)
    , early_(c.before_wait(from))
    , inner_(troupe::receive<collective_message>(c.self(), troupe::where(c.want(from, phase)),
                                                 c.sender(from))) {
  }

  bool await_ready() {
    return early_.has_value() || inner_.await_ready();
  }

  void await_suspend(std::coroutine_handle<> frame) {
    inner_.await_suspend(frame);
  }

  result<T> await_resume() {
    if (early_)
      return *early_;
    auto got = c_->settle(inner_.await_resume(), from_, payload_index<T>);
    if (!got)
      return got.error();
    return std::get<T>(std::move(*got));
  }

private:
  using inner_type = decltype(troupe::receive<collective_message>(
      std::declval<context&>(), troupe::where(std::declval<wanted>()),
      std::declval<troupe::detail::expected_senders>()));

  collective* c_;
  std::size_t from_;
  std::optional<troupe::error> early_;
  inner_type inner_;
};

} // namespace troupe::actors::detail
