/// @file
/// `troupe::receive`: await the next message of given types; other messages stay queued.
#pragma once

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/message.hpp>
#include <caf/rtti_pair.hpp>
#include <caf/type_erased_tuple.hpp>

#include <troupe/context.hpp>
#include <troupe/detail/await_argument.hpp>
#include <troupe/detail/type_names.hpp>
#include <troupe/result.hpp>

namespace troupe {

namespace detail {

template <class T>
struct element_match {
  static bool at(const caf::type_erased_tuple& m, size_t i) {
    return m.match_element<T>(i);
  }
};

// An atom constant matches an atom element of the same value, as in CAF's own handlers.
template <caf::atom_value V>
struct element_match<caf::atom_constant<V>> {
  static bool at(const caf::type_erased_tuple& m, size_t i) {
    return m.match_element<caf::atom_value>(i) && m.get_as<caf::atom_value>(i) == V;
  }
};

template <class T>
T take_element(caf::type_erased_tuple& m, size_t i) {
  if constexpr (caf::is_atom_constant<T>::value)
    return T{};
  else
    return std::move(m.get_mutable_as<T>(i));
}

// What a predicate sees of element `i`: the value in place, or the atom constant.
template <class T>
decltype(auto) peek_element(const caf::type_erased_tuple& m, size_t i) {
  if constexpr (caf::is_atom_constant<T>::value)
    return T{};
  else
    return m.get_as<T>(i);
}

// Matching looks at the mailbox element in place: a message that does not match must stay
// intact in the mailbox for a later receive or handler.
template <class... Ts>
bool message_matches(const caf::type_erased_tuple& m) {
  if (m.size() != sizeof...(Ts))
    return false;
  size_t i = 0;
  return (element_match<Ts>::at(m, i++) && ...);
}

// What a predicate is given for an element of type `T`.
template <class T>
using peeked_t = std::conditional_t<caf::is_atom_constant<T>::value, T, const T&>;

// The element type as a message holds it (an atom constant is an atom_value).
template <class T>
using stored_element_t = std::conditional_t<caf::is_atom_constant<T>::value, caf::atom_value, T>;

/// The signature of messages whose elements are `Ts...` (as `signature_of` computes it).
template <class... Ts>
std::size_t signature_of_types() noexcept {
  static const std::size_t value = [] {
    auto h = mix_signature(0xcbf29ce484222325ULL, sizeof...(Ts));
    ((h = mix_signature(h, element_signature(caf::make_rtti_pair<stored_element_t<Ts>>()))), ...);
    return h;
  }();
  return value;
}

template <class... Ts>
using received_t =
    std::conditional_t<sizeof...(Ts) == 1, std::tuple_element_t<0, std::tuple<Ts...>>,
                       std::tuple<Ts...>>;

/// No predicate: every message of the right types matches.
struct any_message {};

template <class Pred, class... Ts>
bool test_message(const caf::type_erased_tuple& m, const void* arg) {
  if (!message_matches<Ts...>(m))
    return false;
  if constexpr (std::is_same_v<Pred, any_message>) {
    return true;
  } else {
    auto& pred = *static_cast<const Pred*>(arg);
    return [&]<size_t... Is>(std::index_sequence<Is...>) {
      return static_cast<bool>(pred(peek_element<Ts>(m, Is)...));
    }
    (std::index_sequence_for<Ts...>{});
  }
}

/// Whom a receive expects its message from, for the await graph (`await_info::senders`): actors
/// it owns (`troupe::from`), or ones its caller keeps alive and unchanged while it waits (the
/// halo exchange's neighbours, a collective's member). A class with constructors, not an
/// aggregate: g++ 12 may free a brace-built temporary inside `co_await` twice.
class expected_senders {
public:
  expected_senders() = default;

  /// Owns `actors`; `why` says what they send ("receive").
  expected_senders(std::vector<caf::actor> actors, const char* why)
    : owned_(std::move(actors))
    , why_(why) {
  }

  /// Borrows `count` actors from `first`, which outlive the await; `why` lives forever.
  expected_senders(const caf::actor* first, std::size_t count, const char* why)
    : first_(first)
    , count_(count)
    , why_(why) {
  }

  /// Names them in `desc` (the actors stay where they are).
  void describe(await_desc& desc) const noexcept {
    desc.senders = owned_.empty() ? first_ : owned_.data();
    desc.sender_count = static_cast<std::uint32_t>(owned_.empty() ? count_ : owned_.size());
    desc.expecting = why_;
  }

private:
  std::vector<caf::actor> owned_;
  const caf::actor* first_ = nullptr;
  std::size_t count_ = 0;
  const char* why_ = nullptr;
};

/// Awaits the next message whose elements are exactly `Ts...` (and that `Pred` accepts): a kept
/// one at once, else the next to arrive.
template <bool WithTimeout, class Pred, class... Ts>
class receive_awaiter {
public:
  using value_type = received_t<Ts...>;
  using resume_type = std::conditional_t<WithTimeout, result<value_type>, value_type>;

  receive_awaiter(context& self, duration timeout, Pred pred, expected_senders from = {})
    : self_(&self)
    , timeout_(timeout)
    , pred_(std::move(pred))
    , from_(std::move(from)) {
  }

  // Copies (g++ copies lvalue awaiters) point their match at their own predicate.
  receive_awaiter(const receive_awaiter& other)
    : self_(other.self_)
    , timeout_(other.timeout_)
    , pred_(other.pred_)
    , from_(other.from_) {
  }

  receive_awaiter(receive_awaiter&& other) noexcept(std::is_nothrow_move_constructible_v<Pred>)
    : self_(other.self_)
    , timeout_(other.timeout_)
    , pred_(std::move(other.pred_))
    , from_(std::move(other.from_)) {
  }

  ~receive_awaiter() {
    if (token_ != 0) // the frame was destroyed while waiting (its actor ended)
      self_->end_await(token_);
  }

  bool await_ready() {
    return self_->take_stashed(match(), kept_);
  }

  void await_suspend(std::coroutine_handle<> frame) {
    await_desc desc{.what = await_info::kind::receive,
                    .types = &type_names<Ts...>(),
                    .timeout = WithTimeout ? timeout_ : infinite};
    from_.describe(desc);
    token_ = self_->begin_await(frame, std::move(desc), &match());
    if constexpr (WithTimeout)
      self_->start_timer(token_, timeout_);
  }

  resume_type await_resume() {
    if (token_ == 0) // taken from the stash without suspending
      return extract(kept_.content, std::index_sequence_for<Ts...>{});
    auto* p = self_->find_await(std::exchange(token_, 0));
    TROUPE_ASSERT(p != nullptr, "receive resumed without its pending entry");
    auto* matched = p->matched;
    bool timed_out = p->timed_out;
    self_->end_await(p->token);
    if constexpr (WithTimeout) {
      if (timed_out)
        return error{errc::timeout, "receive of (" + type_names<Ts...>() + ") timed out"};
    }
    TROUPE_ASSERT(matched != nullptr, "receive resumed without a message");
    return extract(*matched, std::index_sequence_for<Ts...>{});
  }

private:
  const receive_match& match() {
    match_ = {signature_of_types<Ts...>(), &test_message<Pred, Ts...>, &pred_};
    return match_;
  }

  template <size_t... Is>
  static value_type extract(caf::type_erased_tuple& m, std::index_sequence<Is...>) {
    if constexpr (sizeof...(Ts) == 1)
      return take_element<Ts...>(m, 0);
    else
      return value_type{take_element<Ts>(m, Is)...};
  }

  context* self_;
  duration timeout_;
  Pred pred_;
  expected_senders from_;
  receive_match match_;
  received_message kept_;
  std::uint64_t token_ = 0;
};

/// A receive's predicate (see `where`).
template <class Pred>
struct where_t {
  Pred pred;
};

} // namespace detail

/// A predicate for `receive`: only messages whose elements satisfy `pred(elements...)` match
/// (receive by tag: a halo for step k from the west neighbour, a reply for job j).
template <class Pred>
detail::where_t<std::remove_cvref_t<Pred>> where(Pred&& pred) {
  static_assert(
      detail::safe_callable_argument<Pred&&>,
      "g++ 12 frees the captures of a lambda written inside `co_await troupe::receive<T>(self, "
      "troupe::where(...))` twice (a compiler bug, troupe/detail/await_argument.hpp): name it "
      "first and pass it by name: `auto want = [=](const T& x) {...}; co_await "
      "troupe::receive<T>(self, troupe::where(want));`, or capture only by reference");
  return {std::forward<Pred>(pred)};
}

/// Awaits the next message whose elements are exactly `Ts...`; other messages stay queued
/// and are handled (or received) later, in their order of arrival.
///
/// Yields the single value for one type, else a `std::tuple<Ts...>`; `self.last_sender()` names
/// who sent it. Atom constants match atoms of the same value.
///
/// ```cpp
/// troupe::task<> ponger(troupe::context& self) {
///   for (;;) {
///     auto [atom, n] = co_await troupe::receive<ping_atom, int>(self);
///     self.send(caf::actor_cast<caf::actor>(self.last_sender()), pong_atom::value, n);
///   }
/// }
/// ```
template <class... Ts>
detail::receive_awaiter<false, detail::any_message, Ts...> receive(context& self) {
  static_assert(sizeof...(Ts) > 0, "receive needs at least one element type");
  return {self, infinite, {}};
}

/// Like `receive<Ts...>(self)`, but yields `result<...>` holding `errc::timeout` when no
/// matching message arrives within `timeout`.
template <class... Ts>
detail::receive_awaiter<true, detail::any_message, Ts...> receive(context& self, duration timeout) {
  static_assert(sizeof...(Ts) > 0, "receive needs at least one element type");
  return {self, timeout, {}};
}

/// Awaits the next message of types `Ts...` whose elements satisfy the predicate; messages of
/// these types that it rejects stay queued for other receives.
///
/// ```cpp
/// // The halo for step k from the west neighbour; a fast neighbour's step k+1 halo waits.
/// auto h = co_await troupe::receive<halo>(self, troupe::where([&](const halo& x) {
///   return x.step == k && x.from == west;
/// }));
/// ```
template <class... Ts, class Pred>
detail::receive_awaiter<false, Pred, Ts...> receive(context& self, detail::where_t<Pred> w) {
  static_assert(sizeof...(Ts) > 0, "receive needs at least one element type");
  static_assert(
      std::is_invocable_r_v<bool, const Pred&, detail::peeked_t<Ts>...>,
      "a receive predicate takes the elements (by value or const reference) and returns bool");
  return {self, infinite, std::move(w.pred)};
}

/// Names the actors a receive expects its message from, for the await graph: `/api/v1/awaits`
/// draws an edge of kind "receive" from the waiting actor to each, and a cycle of such waits is
/// reported as a deadlock. It does not filter: add a `where` that checks the sender for that.
///
/// ```cpp
/// auto total = co_await troupe::receive<double>(self, troupe::expecting_from(producer));
/// ```
template <class... Actors>
detail::expected_senders expecting_from(const Actors&... actors) {
  static_assert((std::is_convertible_v<const Actors&, caf::actor> && ...),
                "expecting_from takes the actors (caf::actor) a receive expects a message from");
  return {std::vector<caf::actor>{caf::actor{actors}...}, "receive"};
}

/// `receive<Ts...>(self)` that names whom the message is expected from (`expecting_from`).
template <class... Ts>
detail::receive_awaiter<false, detail::any_message, Ts...> receive(context& self,
                                                                   detail::expected_senders from) {
  static_assert(sizeof...(Ts) > 0, "receive needs at least one element type");
  return {self, infinite, {}, std::move(from)};
}

/// `receive<Ts...>(self, where(pred))` that names whom the message is expected from
/// (`expecting_from`; internal callers borrow their own list of actors).
template <class... Ts, class Pred>
detail::receive_awaiter<false, Pred, Ts...> receive(context& self, detail::where_t<Pred> w,
                                                    detail::expected_senders from) {
  static_assert(sizeof...(Ts) > 0, "receive needs at least one element type");
  static_assert(
      std::is_invocable_r_v<bool, const Pred&, detail::peeked_t<Ts>...>,
      "a receive predicate takes the elements (by value or const reference) and returns bool");
  return {self, infinite, std::move(w.pred), std::move(from)};
}

/// Like `receive<Ts...>(self, where(pred))`, but yields `result<...>` holding `errc::timeout`
/// when no accepted message arrives within `timeout`.
template <class... Ts, class Pred>
detail::receive_awaiter<true, Pred, Ts...> receive(context& self, detail::where_t<Pred> w,
                                                   duration timeout) {
  static_assert(sizeof...(Ts) > 0, "receive needs at least one element type");
  static_assert(
      std::is_invocable_r_v<bool, const Pred&, detail::peeked_t<Ts>...>,
      "a receive predicate takes the elements (by value or const reference) and returns bool");
  return {self, timeout, std::move(w.pred)};
}

} // namespace troupe
