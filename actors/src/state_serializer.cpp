#include <troupe/actors/detail/state_serializer.hpp>

#include <bit>

namespace troupe::actors::detail {

state_serializer::state_serializer(caf::execution_unit* ctx, std::vector<char>& buf)
  : caf::serializer(ctx)
  , inner_(ctx, buf) {
}

caf::error state_serializer::begin_object(std::uint16_t& nr, std::string& name) {
  return inner_.begin_object(nr, name);
}

caf::error state_serializer::end_object() {
  return inner_.end_object();
}

caf::error state_serializer::begin_sequence(std::size_t& size) {
  return inner_.begin_sequence(size);
}

caf::error state_serializer::end_sequence() {
  return inner_.end_sequence();
}

caf::error state_serializer::apply_raw(std::size_t num_bytes, void* data) {
  return inner_.apply_raw(num_bytes, data);
}

#define TROUPE_FORWARD(type)                                                                       \
  caf::error state_serializer::apply_impl(type& x) {                                               \
    return inner_.apply(x);                                                                        \
  }                                                                                                \
  caf::error state_deserializer::apply_impl(type& x) {                                             \
    return inner_.apply(x);                                                                        \
  }

TROUPE_FORWARD(std::int8_t)
TROUPE_FORWARD(std::uint8_t)
TROUPE_FORWARD(std::int16_t)
TROUPE_FORWARD(std::uint16_t)
TROUPE_FORWARD(std::int32_t)
TROUPE_FORWARD(std::uint32_t)
TROUPE_FORWARD(std::int64_t)
TROUPE_FORWARD(std::uint64_t)
TROUPE_FORWARD(long double)
TROUPE_FORWARD(std::string)
TROUPE_FORWARD(std::u16string)
TROUPE_FORWARD(std::u32string)

#undef TROUPE_FORWARD

caf::error state_serializer::apply_impl(float& x) {
  auto bits = std::bit_cast<std::uint32_t>(x);
  return inner_.apply(bits);
}

caf::error state_serializer::apply_impl(double& x) {
  auto bits = std::bit_cast<std::uint64_t>(x);
  return inner_.apply(bits);
}

state_deserializer::state_deserializer(caf::execution_unit* ctx, const char* data, std::size_t size)
  : caf::deserializer(ctx)
  , inner_(ctx, data, size) {
}

caf::error state_deserializer::begin_object(std::uint16_t& nr, std::string& name) {
  return inner_.begin_object(nr, name);
}

caf::error state_deserializer::end_object() {
  return inner_.end_object();
}

caf::error state_deserializer::begin_sequence(std::size_t& size) {
  return inner_.begin_sequence(size);
}

caf::error state_deserializer::end_sequence() {
  return inner_.end_sequence();
}

caf::error state_deserializer::apply_raw(std::size_t num_bytes, void* data) {
  return inner_.apply_raw(num_bytes, data);
}

caf::error state_deserializer::apply_impl(float& x) {
  std::uint32_t bits = 0;
  auto err = inner_.apply(bits);
  x = std::bit_cast<float>(bits);
  return err;
}

caf::error state_deserializer::apply_impl(double& x) {
  std::uint64_t bits = 0;
  auto err = inner_.apply(bits);
  x = std::bit_cast<double>(bits);
  return err;
}

} // namespace troupe::actors::detail
