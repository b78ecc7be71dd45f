/// @file
/// `troupe::result<T>`: a value or a `troupe::error`.
#pragma once

#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include <troupe/errc.hpp>

namespace troupe {

/// Thrown by `result<T>::value()` when the result holds an error.
class bad_result_access : public std::runtime_error {
public:
  explicit bad_result_access(const error& e)
    : std::runtime_error(e.message())
    , error_(e) {
  }

  [[nodiscard]] const troupe::error& error() const noexcept {
    return error_;
  }

private:
  troupe::error error_;
};

/// Either a `T` or a `troupe::error`; what troupe's awaitables and boundary calls return.
template <class T>
class [[nodiscard]] result {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, troupe::error>,
                "result<troupe::error> cannot tell a value from a failure: await "
                "result<void> (the error is the failure), or wrap the error in a struct of "
                "your own to carry it as a value");
  static_assert(!std::is_reference_v<T>, "result<T&>: hold a pointer or std::reference_wrapper");

public:
  using value_type = T;

  result(T value)
    : data_(std::in_place_index<0>, std::move(value)) {
  }

  result(troupe::error err)
    : data_(std::in_place_index<1>, std::move(err)) {
  }

  result(errc code, std::string message)
    : data_(std::in_place_index<1>, troupe::error{code, std::move(message)}) {
  }

  [[nodiscard]] bool has_value() const noexcept {
    return data_.index() == 0;
  }

  explicit operator bool() const noexcept {
    return has_value();
  }

  /// The value; throws `bad_result_access` when this holds an error.
  T& value() & {
    check();
    return std::get<0>(data_);
  }

  const T& value() const& {
    check();
    return std::get<0>(data_);
  }

  T&& value() && {
    check();
    return std::get<0>(std::move(data_));
  }

  T& operator*() & noexcept {
    return std::get<0>(data_);
  }

  const T& operator*() const& noexcept {
    return std::get<0>(data_);
  }

  T* operator->() noexcept {
    return &std::get<0>(data_);
  }

  const T* operator->() const noexcept {
    return &std::get<0>(data_);
  }

  /// The error; only valid when `!has_value()`.
  [[nodiscard]] const troupe::error& error() const noexcept {
    return std::get<1>(data_);
  }

private:
  void check() const {
    if (data_.index() != 0)
      throw bad_result_access{std::get<1>(data_)};
  }

  std::variant<T, troupe::error> data_;
};

/// `result<void>`: success or a `troupe::error`.
template <>
class [[nodiscard]] result<void> {
public:
  using value_type = void;

  result() = default;

  result(troupe::error err)
    : error_(std::move(err)) {
  }

  result(errc code, std::string message)
    : error_(troupe::error{code, std::move(message)}) {
  }

  [[nodiscard]] bool has_value() const noexcept {
    return !error_;
  }

  explicit operator bool() const noexcept {
    return has_value();
  }

  /// Throws `bad_result_access` when this holds an error.
  void value() const {
    if (error_)
      throw bad_result_access{*error_};
  }

  [[nodiscard]] const troupe::error& error() const noexcept {
    return *error_;
  }

private:
  std::optional<troupe::error> error_;
};

} // namespace troupe
