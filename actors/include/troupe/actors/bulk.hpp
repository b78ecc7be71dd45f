/// @file
/// `troupe::actors::bulk`: an Eigen array or a `std::vector` of numbers inside an `inspect`
/// overload, serialised as one run of bytes instead of element by element.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <caf/binary_deserializer.hpp>
#include <caf/deserializer.hpp>
#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>
#include <caf/sec.hpp>
#include <caf/serializer.hpp>

#include <troupe/actors/detail/state_serializer.hpp>

namespace troupe::actors {

namespace detail {

template <class T>
inline constexpr bool is_bulk_scalar =
    std::is_arithmetic_v<T> && !std::is_same_v<T, bool> && std::is_trivially_copyable_v<T>;

template <class T>
concept eigen_plain =
    std::is_base_of_v<Eigen::PlainObjectBase<T>, T> && is_bulk_scalar<typename T::Scalar>;

template <class T>
struct is_bulk_vector : std::false_type {};

template <class S, class A>
struct is_bulk_vector<std::vector<S, A>> : std::bool_constant<is_bulk_scalar<S>> {};

} // namespace detail

/// What `bulk` accepts: a dense Eigen array or matrix of numbers (`Eigen::ArrayXXd`, also
/// fixed-size), or a `std::vector` of numbers other than `bool`.
template <class T>
concept bulk_storable = detail::eigen_plain<T> || detail::is_bulk_vector<T>::value;

/// A reference to bulk numbers for an `inspect` overload; made by `bulk(x)`.
template <bulk_storable T>
class bulk_ref {
public:
  explicit bulk_ref(T& x) noexcept
    : x_(&x) {
  }

  /// The referenced array or vector.
  [[nodiscard]] T& get() const noexcept {
    return *x_;
  }

private:
  T* x_;
};

/// Lets an `inspect` overload write `x`'s numbers as one run of bytes, for checkpoints
/// (`to_bytes`) and messages. CAF 0.17 serialises a `std::vector<double>` element by element,
/// ≈121 MiB/s at 64 KiB here; as one run it goes at memory speed (Decision 10).
///
/// The shape goes first (rows and columns; the element count for a vector), then the numbers'
/// memory as it is: one build on one kind of machine reads what it wrote (Decision 6), and the
/// bits come back exactly (NaN payloads included). Reading checks the shape against the bytes
/// left and, for fixed-size Eigen types, against the type.
///
/// ```cpp
/// struct tile_state { std::int64_t step; Eigen::ArrayXXd field; };
/// template <class Inspector>
/// typename Inspector::result_type inspect(Inspector& f, tile_state& x) {
///   return f(caf::meta::type_name("tile_state"), x.step, troupe::actors::bulk(x.field));
/// }
/// ```
template <bulk_storable T>
bulk_ref<T> bulk(T& x) noexcept {
  return bulk_ref<T>{x};
}

namespace detail {

template <class T>
using bulk_scalar_t = std::remove_cvref_t<decltype(*std::declval<T&>().data())>;

template <class T>
caf::error bulk_resize(T& x, std::uint64_t rows, std::uint64_t cols) {
  if constexpr (eigen_plain<T>) {
    constexpr auto r = T::RowsAtCompileTime;
    constexpr auto c = T::ColsAtCompileTime;
    if ((r != Eigen::Dynamic && rows != static_cast<std::uint64_t>(r)) ||
        (c != Eigen::Dynamic && cols != static_cast<std::uint64_t>(c)))
      return caf::make_error(caf::sec::invalid_argument,
                             "troupe::actors::bulk: a " + std::to_string(rows) + "x" +
                                 std::to_string(cols) + " array does not fit the fixed-size type");
    x.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  } else {
    x.resize(static_cast<std::size_t>(rows));
  }
  return caf::none;
}

} // namespace detail

/// Writes the shape and then the numbers as one run of bytes.
template <bulk_storable T>
caf::error inspect(caf::serializer& f, bulk_ref<T>& ref) {
  T& x = ref.get();
  std::uint64_t rows = 0;
  std::uint64_t cols = 1;
  if constexpr (detail::eigen_plain<T>) {
    rows = static_cast<std::uint64_t>(x.rows());
    cols = static_cast<std::uint64_t>(x.cols());
  } else {
    rows = x.size();
  }
  auto bytes = static_cast<std::size_t>(rows * cols) * sizeof(detail::bulk_scalar_t<T>);
  return caf::error::eval([&] { return f(rows, cols); },
                          [&] { return bytes > 0 ? f.apply_raw(bytes, x.data()) : caf::none; });
}

/// Reads what the serializer's overload wrote. A shape whose numbers would run past the end of
/// the input is an error, before anything is allocated for it.
template <bulk_storable T>
caf::error inspect(caf::deserializer& f, bulk_ref<T>& ref) {
  using scalar = detail::bulk_scalar_t<T>;
  std::uint64_t rows = 0;
  std::uint64_t cols = 0;
  if (auto err = f(rows, cols))
    return err;
  constexpr auto most = std::numeric_limits<std::size_t>::max() / sizeof(scalar);
  bool too_big = cols != 0 && rows > most / cols;
  auto bytes = too_big ? 0 : static_cast<std::size_t>(rows * cols) * sizeof(scalar);
  if (auto left = detail::input_left(f))
    too_big = too_big || bytes > *left;
  if (too_big)
    return caf::make_error(caf::sec::end_of_stream,
                           "troupe::actors::bulk: a " + std::to_string(rows) + "x" +
                               std::to_string(cols) +
                               " array runs past the end of its input (truncated or not what "
                               "was written)");
  if (auto err = detail::bulk_resize(ref.get(), rows, cols))
    return err;
  return bytes > 0 ? f.apply_raw(bytes, ref.get().data()) : caf::none;
}

/// Other inspectors (CAF's `to_string`) see the shape only.
template <class Inspector, bulk_storable T>
typename Inspector::result_type inspect(Inspector& f, bulk_ref<T>& ref) {
  static_assert(!Inspector::writes_state, "bulk: only CAF's deserializer can load bulk numbers");
  std::string shape;
  if constexpr (detail::eigen_plain<T>)
    shape = std::to_string(ref.get().rows()) + "x" + std::to_string(ref.get().cols());
  else
    shape = std::to_string(ref.get().size());
  return f(caf::meta::type_name("troupe::actors::bulk"), shape);
}

} // namespace troupe::actors
