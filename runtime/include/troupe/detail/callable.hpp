/// @file
/// Signature of a non-generic callable: its result and argument types.
#pragma once

namespace troupe::detail {

template <class... Ts>
struct type_list {};

template <class F>
struct callable_traits : callable_traits<decltype(&F::operator())> {};

template <class R, class... A>
struct callable_traits<R (*)(A...)> {
  using result_type = R;
  using args = type_list<A...>;
};

template <class R, class... A>
struct callable_traits<R(A...)> : callable_traits<R (*)(A...)> {};

template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...)> : callable_traits<R (*)(A...)> {};

template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...) const> : callable_traits<R (*)(A...)> {};

template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...) noexcept> : callable_traits<R (*)(A...)> {};

template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...) const noexcept> : callable_traits<R (*)(A...)> {};

} // namespace troupe::detail
