/// @file
/// CAF 0.17's binary serializer and deserializer with floating-point numbers kept bit for bit:
/// what `to_bytes` and `from_bytes` use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/deserializer.hpp>
#include <caf/serializer.hpp>

namespace troupe::actors::detail {

// CAF 0.17 writes a float or double through its hand-made IEEE-754 packing, which turns -0.0
// into 0.0, a NaN into -1.0 and a subnormal into an unrelated number, and loops forever on an
// infinity (detail/ieee_754.hpp). A restart must give the same bits (Decision 6), so these
// two write a floating-point number as its bits, the rest as CAF does (they wrap CAF's classes,
// which are final).

/// Saves like `caf::binary_serializer`, floats and doubles as their bits.
class state_serializer final : public caf::serializer {
public:
  state_serializer(caf::execution_unit* ctx, std::vector<char>& buf);

  caf::error begin_object(std::uint16_t& nr, std::string& name) override;
  caf::error end_object() override;
  caf::error begin_sequence(std::size_t& size) override;
  caf::error end_sequence() override;
  caf::error apply_raw(std::size_t num_bytes, void* data) override;

protected:
  caf::error apply_impl(std::int8_t& x) override;
  caf::error apply_impl(std::uint8_t& x) override;
  caf::error apply_impl(std::int16_t& x) override;
  caf::error apply_impl(std::uint16_t& x) override;
  caf::error apply_impl(std::int32_t& x) override;
  caf::error apply_impl(std::uint32_t& x) override;
  caf::error apply_impl(std::int64_t& x) override;
  caf::error apply_impl(std::uint64_t& x) override;
  caf::error apply_impl(float& x) override;
  caf::error apply_impl(double& x) override;
  caf::error apply_impl(long double& x) override;
  caf::error apply_impl(std::string& x) override;
  caf::error apply_impl(std::u16string& x) override;
  caf::error apply_impl(std::u32string& x) override;

private:
  caf::binary_serializer inner_;
};

/// Loads what `state_serializer` saved.
class state_deserializer final : public caf::deserializer {
public:
  state_deserializer(caf::execution_unit* ctx, const char* data, std::size_t size);

  /// How many bytes are left to read.
  [[nodiscard]] std::size_t remaining() const noexcept {
    return inner_.remaining();
  }

  caf::error begin_object(std::uint16_t& nr, std::string& name) override;
  caf::error end_object() override;
  caf::error begin_sequence(std::size_t& size) override;
  caf::error end_sequence() override;
  caf::error apply_raw(std::size_t num_bytes, void* data) override;

protected:
  caf::error apply_impl(std::int8_t& x) override;
  caf::error apply_impl(std::uint8_t& x) override;
  caf::error apply_impl(std::int16_t& x) override;
  caf::error apply_impl(std::uint16_t& x) override;
  caf::error apply_impl(std::int32_t& x) override;
  caf::error apply_impl(std::uint32_t& x) override;
  caf::error apply_impl(std::int64_t& x) override;
  caf::error apply_impl(std::uint64_t& x) override;
  caf::error apply_impl(float& x) override;
  caf::error apply_impl(double& x) override;
  caf::error apply_impl(long double& x) override;
  caf::error apply_impl(std::string& x) override;
  caf::error apply_impl(std::u16string& x) override;
  caf::error apply_impl(std::u32string& x) override;

private:
  caf::binary_deserializer inner_;
};

} // namespace troupe::actors::detail
