#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <troupe/actors/detail/collective_message.hpp>

namespace tad = troupe::actors::detail;

TEST_CASE(
    "a collective's double crosses nodes with all its bits, for negative zero, NaN, subnormals and infinities",
    "[actors][collectives]") {
  // CAF 0.17's float packing loses all of these and loops for ever on an infinity, so an
  // unchecked run here would hang until ctest's timeout.
  auto value = GENERATE(-0.0, std::numeric_limits<double>::quiet_NaN(),
                        std::bit_cast<double>(std::uint64_t{0x7ff8'0000'dead'beef}),
                        std::numeric_limits<double>::denorm_min() * 3,
                        -std::numeric_limits<double>::infinity(), 0.1 + 0.2);
  CAPTURE(std::bit_cast<std::uint64_t>(value));
  tad::collective_message out;
  out.group = 7;
  out.seq = 3;
  out.value = value;
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  // Through the base classes, as CAF serialises a message's elements between nodes.
  REQUIRE(!inspect(static_cast<caf::serializer&>(sink), out));
  tad::collective_message in;
  caf::binary_deserializer source{nullptr, buf};
  REQUIRE(!inspect(static_cast<caf::deserializer&>(source), in));
  REQUIRE(std::holds_alternative<double>(in.value));
  CHECK(std::bit_cast<std::uint64_t>(std::get<double>(in.value)) ==
        std::bit_cast<std::uint64_t>(value));
  CHECK(in.group == 7);
  CHECK(in.seq == 3);
}
