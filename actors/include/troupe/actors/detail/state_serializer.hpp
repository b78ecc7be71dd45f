/// @file
/// CAF 0.17's binary serializer and deserializer with floating-point numbers kept bit for bit:
/// what `to_bytes` and `from_bytes` use.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/deserializer.hpp>
#include <caf/serializer.hpp>

namespace troupe::actors::detail {

// CAF 0.17 writes a float or double through its hand-made IEEE-754 packing, which turns -0.0
// into 0.0, a NaN into -1.0 and a subnormal into an unrelated number, and loops forever on an
// infinity (caf/detail/ieee_754.hpp). A restart must give the same bits (Decision 6), so this
// writes a floating-point number as its bits and everything else as CAF does, by wrapping
// CAF's own classes (which are final).

/// `Inner` (CAF's binary serializer or deserializer) seen as a `Base` (`caf::serializer` or
/// `caf::deserializer`), floats and doubles as their bits.
template <class Base, class Inner>
class float_bits_processor final : public Base {
public:
  template <class... Args>
  explicit float_bits_processor(caf::execution_unit* ctx, Args&&... args)
    : Base(ctx)
    , inner_(ctx, std::forward<Args>(args)...) {
  }

  /// How many bytes are left to read (deserializer only).
  [[nodiscard]] std::size_t remaining() const noexcept requires Base::writes_state {
    return inner_.remaining();
  }

  caf::error begin_object(std::uint16_t& nr, std::string& name) override {
    return inner_.begin_object(nr, name);
  }

  caf::error end_object() override {
    return inner_.end_object();
  }

  caf::error begin_sequence(std::size_t& size) override {
    return inner_.begin_sequence(size);
  }

  caf::error end_sequence() override {
    return inner_.end_sequence();
  }

  caf::error apply_raw(std::size_t num_bytes, void* data) override {
    return inner_.apply_raw(num_bytes, data);
  }

protected:
  caf::error apply_impl(std::int8_t& x) override {
    return inner_.apply(x);
  }
  caf::error apply_impl(std::uint8_t& x) override {
    return inner_.apply(x);
  }
  caf::error apply_impl(std::int16_t& x) override {
    return inner_.apply(x);
  }
  caf::error apply_impl(std::uint16_t& x) override {
    return inner_.apply(x);
  }
  caf::error apply_impl(std::int32_t& x) override {
    return inner_.apply(x);
  }
  caf::error apply_impl(std::uint32_t& x) override {
    return inner_.apply(x);
  }
  caf::error apply_impl(std::int64_t& x) override {
    return inner_.apply(x);
  }
  caf::error apply_impl(std::uint64_t& x) override {
    return inner_.apply(x);
  }
  caf::error apply_impl(long double& x) override {
    return inner_.apply(x);
  }
  caf::error apply_impl(std::string& x) override {
    return inner_.apply(x);
  }
  caf::error apply_impl(std::u16string& x) override {
    return inner_.apply(x);
  }
  caf::error apply_impl(std::u32string& x) override {
    return inner_.apply(x);
  }
  caf::error apply_impl(float& x) override {
    return as_bits<std::uint32_t>(x);
  }
  caf::error apply_impl(double& x) override {
    return as_bits<std::uint64_t>(x);
  }

private:
  template <class Bits, class Float>
  caf::error as_bits(Float& x) {
    auto bits = std::bit_cast<Bits>(x);
    auto err = inner_.apply(bits);
    if constexpr (Base::writes_state)
      x = std::bit_cast<Float>(bits);
    return err;
  }

  Inner inner_;
};

/// Saves like `caf::binary_serializer`, floats and doubles as their bits.
using state_serializer = float_bits_processor<caf::serializer, caf::binary_serializer>;

/// Loads what `state_serializer` saved.
using state_deserializer = float_bits_processor<caf::deserializer, caf::binary_deserializer>;

/// The bytes left to read in `f` when it reads from memory (CAF's binary deserializer, as the
/// middleman uses, or `state_deserializer`); nothing for other deserializers.
inline std::optional<std::size_t> input_left(caf::deserializer& f) {
  if (auto* state = dynamic_cast<state_deserializer*>(&f))
    return state->remaining();
  if (auto* binary = dynamic_cast<caf::binary_deserializer*>(&f))
    return binary->remaining();
  return std::nullopt;
}

} // namespace troupe::actors::detail
