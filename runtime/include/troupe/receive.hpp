/// @file
/// `troupe::receive`: await the next message of given types; other messages stay queued.
#pragma once

#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include <caf/atom.hpp>
#include <caf/message.hpp>
#include <caf/type_erased_tuple.hpp>

#include <troupe/context.hpp>
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

// Matching looks at the mailbox element in place: a message that does not match must stay
// intact in the mailbox for a later receive or handler.
template <class... Ts>
bool message_matches(const caf::type_erased_tuple& m) {
  if (m.size() != sizeof...(Ts))
    return false;
  size_t i = 0;
  return (element_match<Ts>::at(m, i++) && ...);
}

template <class... Ts>
using received_t =
    std::conditional_t<sizeof...(Ts) == 1, std::tuple_element_t<0, std::tuple<Ts...>>,
                       std::tuple<Ts...>>;

/// Awaits the next message whose elements are exactly `Ts...`.
template <bool WithTimeout, class... Ts>
class receive_awaiter {
public:
  using value_type = received_t<Ts...>;
  using resume_type = std::conditional_t<WithTimeout, result<value_type>, value_type>;

  receive_awaiter(context& self, duration timeout)
    : self_(&self)
    , timeout_(timeout) {
  }

  bool await_ready() const noexcept {
    return false;
  }

  void await_suspend(std::coroutine_handle<> frame) {
    auto timeout = WithTimeout ? timeout_ : infinite;
    token_ = self_->begin_await(
        frame,
        {.what = await_info::kind::receive, .types = &type_names<Ts...>(), .timeout = timeout},
        &message_matches<Ts...>);
    if (timeout != infinite)
      self_->resume_after(timeout, token_);
  }

  resume_type await_resume() {
    auto* p = self_->find_await(token_);
    TROUPE_ASSERT(p != nullptr, "receive resumed without its pending entry");
    auto* matched = p->matched;
    bool timed_out = p->timed_out;
    self_->end_await(token_);
    if constexpr (WithTimeout) {
      if (timed_out)
        return error{errc::timeout, "receive of (" + type_names<Ts...>() + ") timed out"};
    }
    TROUPE_ASSERT(matched != nullptr, "receive resumed without a message");
    return extract(*matched, std::index_sequence_for<Ts...>{});
  }

private:
  template <size_t... Is>
  static value_type extract(caf::type_erased_tuple& m, std::index_sequence<Is...>) {
    if constexpr (sizeof...(Ts) == 1)
      return take_element<Ts...>(m, 0);
    else
      return value_type{take_element<Ts>(m, Is)...};
  }

  context* self_;
  duration timeout_;
  std::uint64_t token_ = 0;
};

} // namespace detail

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
detail::receive_awaiter<false, Ts...> receive(context& self) {
  static_assert(sizeof...(Ts) > 0, "receive needs at least one element type");
  return {self, infinite};
}

/// Like `receive<Ts...>(self)`, but yields `result<...>` holding `errc::timeout` when no
/// matching message arrives within `timeout`.
template <class... Ts>
detail::receive_awaiter<true, Ts...> receive(context& self, duration timeout) {
  static_assert(sizeof...(Ts) > 0, "receive needs at least one element type");
  return {self, timeout};
}

} // namespace troupe
