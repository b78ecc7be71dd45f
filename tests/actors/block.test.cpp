#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <catch2/catch.hpp>

#include <troupe/actors/block.hpp>

using troupe::actors::block;

namespace {

// Doubles whose bits a conversion could change: signed zero, a NaN with a payload, a subnormal.
std::vector<double> awkward_doubles() {
  double nan_payload = 0;
  std::uint64_t bits = 0x7ff8'0000'dead'beefULL;
  std::memcpy(&nan_payload, &bits, sizeof bits);
  return {1.5, -0.0, nan_payload, std::numeric_limits<double>::denorm_min(), 1e300, -3.25};
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

} // namespace

TEST_CASE("a block serialises as its byte count and then its doubles' bytes as they are",
          "[actors][block]") {
  block b{awkward_doubles()};
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  REQUIRE_FALSE(sink(b));
  auto payload = b.size() * sizeof(double);
  REQUIRE(buf.size() > payload);
  auto header = buf.size() - payload;
  CHECK(header <= 2); // CAF's variable-length count of 48 bytes
  CHECK(std::memcmp(buf.data() + header, b.data(), payload) == 0);
  block back;
  caf::binary_deserializer source{nullptr, buf};
  REQUIRE_FALSE(source(back));
  CHECK(same_bits(back.values, b.values));
}

TEST_CASE("an empty block round-trips", "[actors][block]") {
  block b;
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  REQUIRE_FALSE(sink(b));
  block back{std::vector<double>{1.0}};
  caf::binary_deserializer source{nullptr, buf};
  REQUIRE_FALSE(source(back));
  CHECK(back.size() == 0);
}

TEST_CASE("a block whose byte count is not a whole number of doubles fails to load, saying so",
          "[actors][block]") {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  std::string seven_bytes = "1234567"; // a string is a byte count and the bytes, as a block
  REQUIRE_FALSE(sink(seven_bytes));
  block back;
  caf::binary_deserializer source{nullptr, buf};
  auto err = source(back);
  REQUIRE(err);
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  CHECK_THAT(sys.render(err), Catch::Contains("7 bytes is not a whole number of doubles"));
}

TEST_CASE("a block whose byte count runs past its message fails before allocating it",
          "[actors][block]") {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  // CAF 0.17 sends a count in 32 bits: the most a message can announce, ≈4 GiB; 16 bytes follow.
  std::size_t announced = 0xffff'fff8;
  REQUIRE_FALSE(sink.begin_sequence(announced));
  REQUIRE_FALSE(sink(1.0, 2.0));
  block back;
  caf::binary_deserializer source{nullptr, buf};
  auto err = source(back); // without the check: 4 GiB allocated and zeroed for nothing
  REQUIRE(err);
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  CHECK_THAT(sys.render(err), Catch::Contains("4294967288 bytes announced, 16 left in the "
                                              "message (truncated or corrupt)"));
  CHECK(back.size() == 0);
}

TEST_CASE("a registered block travels inside a message that is serialised and read back",
          "[actors][block]") {
  caf::actor_system_config cfg;
  troupe::actors::add_block_type(cfg);
  troupe::actors::add_block_type(cfg); // twice: one registration per piece that needs it is fine
  caf::actor_system sys{cfg};
  auto msg = caf::make_message(7, block{awkward_doubles()});
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  REQUIRE_FALSE(msg.save(sink));
  caf::message back;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(back.load(source));
  REQUIRE(back.match_elements<int, block>());
  CHECK(back.get_as<int>(0) == 7);
  CHECK(same_bits(back.get_as<block>(1).values, awkward_doubles()));
}
