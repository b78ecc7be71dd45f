#include <troupe/actors/detail/collective_message.hpp>

#include <bit>
#include <cstdint>

#include <caf/deserializer.hpp>
#include <caf/sec.hpp>
#include <caf/serializer.hpp>

namespace troupe::actors::detail {

namespace {

// Loads alternative `I` of the payload when `index` names it.
template <std::size_t I = 0>
caf::error load_payload(caf::deserializer& f, std::uint8_t index, payload& out) {
  if constexpr (I == std::variant_size_v<payload>) {
    return caf::make_error(caf::sec::invalid_argument,
                           "troupe::actors::collective_message: unknown payload kind " +
                               std::to_string(index) + " (nodes of different builds?)");
  } else {
    if (index != I)
      return load_payload<I + 1>(f, index, out);
    std::variant_alternative_t<I, payload> value;
    if constexpr (std::is_same_v<decltype(value), double>) {
      std::uint64_t bits = 0;
      if (auto err = f(bits))
        return err;
      value = std::bit_cast<double>(bits);
    } else if constexpr (std::is_same_v<decltype(value), failure>) {
      std::int32_t code = 0;
      if (auto err = f(code, value.what))
        return err;
      value.code = static_cast<troupe::errc>(code);
    } else if constexpr (!std::is_same_v<decltype(value), std::monostate>) {
      if (auto err = f(value))
        return err;
    }
    out = std::move(value);
    return caf::none;
  }
}

} // namespace

caf::error inspect(caf::serializer& f, collective_message& x) {
  auto index = static_cast<std::uint8_t>(x.value.index());
  if (auto err = f(x.group, x.seq, x.phase, x.from, index))
    return err;
  return std::visit(
      [&](auto& value) -> caf::error {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::monostate>)
          return caf::none;
        else if constexpr (std::is_same_v<T, double>) {
          auto bits = std::bit_cast<std::uint64_t>(value); // see the header
          return f(bits);
        } else if constexpr (std::is_same_v<T, failure>) {
          auto code = static_cast<std::int32_t>(value.code);
          return f(code, value.what);
        } else
          return f(value);
      },
      x.value);
}

caf::error inspect(caf::deserializer& f, collective_message& x) {
  std::uint8_t index = 0;
  if (auto err = f(x.group, x.seq, x.phase, x.from, index))
    return err;
  return load_payload(f, index, x.value);
}

} // namespace troupe::actors::detail
