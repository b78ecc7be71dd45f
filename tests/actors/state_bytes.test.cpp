// A part's state as bytes: bulk numbers as one run of bytes, exact bits back, bad bytes refused.
#include <troupe/actors/state_bytes.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <caf/deep_to_string.hpp>

#include <catch2/catch.hpp>

#include "checkpoint_support.hpp"

using namespace troupe::actors;
using troupe::test::tile_state;

namespace {

struct small_state {
  Eigen::Matrix3d m;
  std::vector<std::int32_t> counts;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, small_state& x) {
  return f(caf::meta::type_name("small_state"), bulk(x.m), bulk(x.counts));
}

struct scalars {
  double a = 0;
  double b = 0;
  float c = 0;
  std::vector<double> list;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scalars& x) {
  return f(caf::meta::type_name("scalars"), x.a, x.b, x.c, x.list);
}

template <class T>
bool same_bits(T x, T y) {
  return std::memcmp(&x, &y, sizeof x) == 0;
}

struct grid_state {
  Eigen::ArrayXXd field;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, grid_state& x) {
  return f(caf::meta::type_name("grid_state"), bulk(x.field));
}

// Doubles whose bits a per-element conversion could change: a NaN with a payload, -0.0, a
// subnormal, infinities.
tile_state awkward_tile(Eigen::Index rows, Eigen::Index cols) {
  tile_state s;
  s.step = 4711;
  s.field.resize(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      s.field(i, j) = std::sin(0.1 * static_cast<double>(i) + static_cast<double>(j)) / 3;
  std::uint64_t payload_nan = 0x7ff8'0000'dead'beefULL;
  std::memcpy(&s.field(0, 0), &payload_nan, sizeof payload_nan);
  s.field(1, 0) = -0.0;
  s.field(2, 0) = std::numeric_limits<double>::denorm_min();
  s.field(0, 1) = -std::numeric_limits<double>::infinity();
  s.edge = {1.0 / 3, -2.5, std::numeric_limits<double>::max()};
  return s;
}

bool same_bits(const Eigen::ArrayXXd& a, const Eigen::ArrayXXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

} // namespace

TEST_CASE("to_bytes writes a bulk Eigen array's doubles as one run of their own bytes",
          "[actors][state_bytes]") {
  auto s = awkward_tile(7, 5);
  auto bytes = to_bytes(s).value();
  // step, rows and cols of the field, its doubles, then the edge's count, cols and doubles.
  std::size_t field_bytes = 8 * 35;
  REQUIRE(bytes.size() == 8 + 16 + field_bytes + 16 + 8 * 3);
  CHECK(std::memcmp(bytes.data() + 8 + 16, s.field.data(), field_bytes) == 0);
  CHECK(std::memcmp(bytes.data() + 8 + 16 + field_bytes + 16, s.edge.data(), 8 * 3) == 0);
}

TEST_CASE("from_bytes gives back a state bit for bit", "[actors][state_bytes]") {
  auto s = awkward_tile(33, 17);
  auto back = from_bytes<tile_state>(to_bytes(s).value()).value();
  CHECK(back.step == s.step);
  CHECK(same_bits(back.field, s.field));
  REQUIRE(back.edge.size() == s.edge.size());
  CHECK(std::memcmp(back.edge.data(), s.edge.data(), 8 * s.edge.size()) == 0);
}

TEST_CASE("from_bytes gives back plain doubles bit for bit, where CAF 0.17's packing does not",
          "[actors][state_bytes]") {
  double payload_nan = 0;
  std::uint64_t bits = 0x7ff8'0000'dead'beefULL;
  std::memcpy(&payload_nan, &bits, sizeof bits);
  scalars s{-0.0, std::numeric_limits<double>::denorm_min(), -1e-40f, {payload_nan, 1e-310, 0.1}};
  auto back = from_bytes<scalars>(to_bytes(s).value()).value();
  CHECK(same_bits(back.a, s.a));
  CHECK(same_bits(back.b, s.b));
  CHECK(same_bits(back.c, s.c));
  REQUIRE(back.list.size() == 3);
  for (std::size_t i = 0; i < 3; ++i)
    CHECK(same_bits(back.list[i], s.list[i]));
}

// Its own test: CAF 0.17's own packing never returns from an infinity.
TEST_CASE("to_bytes saves an infinite double", "[actors][state_bytes]") {
  constexpr auto inf = std::numeric_limits<double>::infinity();
  scalars s{inf, -inf, std::numeric_limits<float>::infinity(), {inf}};
  auto back = from_bytes<scalars>(to_bytes(s).value()).value();
  CHECK(back.a == inf);
  CHECK(back.b == -inf);
  CHECK(back.c == std::numeric_limits<float>::infinity());
  CHECK(back.list == std::vector<double>{inf});
}

TEST_CASE("bulk goes through CAF's own binary serializer too, for messages",
          "[actors][state_bytes]") {
  auto s = awkward_tile(6, 4);
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  REQUIRE(!sink(bulk(s.field)));
  CHECK(buf.size() == 16 + 8 * 24);
  Eigen::ArrayXXd back;
  caf::binary_deserializer source{nullptr, buf};
  REQUIRE(!source(bulk(back)));
  CHECK(same_bits(back, s.field));
}

TEST_CASE("bulk takes fixed-size Eigen types, integer vectors and empty arrays",
          "[actors][state_bytes]") {
  small_state s;
  s.m << 1, 2, 3, 4, 5, 6, 7, 8, 9.5;
  s.counts = {-1, 0, 1 << 30};
  auto back = from_bytes<small_state>(to_bytes(s).value()).value();
  CHECK(back.m == s.m);
  CHECK(back.counts == s.counts);

  tile_state empty;
  auto empty_back = from_bytes<tile_state>(to_bytes(empty).value()).value();
  CHECK(empty_back.field.size() == 0);
  CHECK(empty_back.edge.empty());
}

TEST_CASE("from_bytes refuses a shape that runs past the end before allocating it",
          "[actors][state_bytes]") {
  grid_state s{Eigen::ArrayXXd::Constant(4, 4, 1.5)};
  auto bytes = to_bytes(s).value();
  SECTION("bytes cut short") {
    bytes.resize(bytes.size() - 1);
  }
  SECTION("a shape of 2^40 x 2^40 doubles") {
    std::uint64_t huge = std::uint64_t{1} << 40;
    bytes.clear();
    caf::binary_serializer sink{nullptr, bytes};
    REQUIRE(!sink(huge, huge));
  }
  auto back = from_bytes<grid_state>(bytes);
  REQUIRE(!back.has_value());
  CHECK(back.error().code() == std::errc::bad_message);
  CHECK_THAT(back.error().message(), Catch::Contains("runs past the end"));
}

TEST_CASE("from_bytes refuses bytes left over after the state", "[actors][state_bytes]") {
  grid_state s{Eigen::ArrayXXd::Constant(2, 3, 0.25)};
  auto bytes = to_bytes(s).value();
  bytes.push_back('x');
  auto back = from_bytes<grid_state>(bytes);
  REQUIRE(!back.has_value());
  CHECK_THAT(back.error().message(), Catch::Contains("1 left over"));
}

TEST_CASE("from_bytes refuses a shape that does not fit a fixed-size Eigen type",
          "[actors][state_bytes]") {
  // A grid_state's 3x2 field read as a small_state's 3x3 matrix.
  grid_state s{Eigen::ArrayXXd::Constant(3, 2, 1.0)};
  auto bytes = to_bytes(s).value();
  auto back = from_bytes<small_state>(bytes);
  REQUIRE(!back.has_value());
  CHECK_THAT(back.error().message(), Catch::Contains("does not fit the fixed-size type"));
}

TEST_CASE("CAF's to_string shows a bulk array by its shape", "[actors][state_bytes]") {
  auto s = awkward_tile(3, 2);
  auto text = caf::deep_to_string(s);
  CHECK_THAT(text, Catch::Contains("3x2"));
  CHECK_THAT(text, Catch::Contains("4711"));
}

TEST_CASE("to_bytes into a recycled buffer gives the same bytes as into a fresh one, reusing "
          "its memory",
          "[actors][state_bytes]") {
  auto big = troupe::test::make_tile(3, 7);
  big.field.resize(400, 400); // 1.25 MiB: large enough to be kept for reuse
  big.field.setConstant(0.25);
  auto fresh = to_bytes(big).value();
  // A larger buffer full of other bytes comes back, as the checkpoint writer gives it back.
  part_bytes junk(fresh.size() + 4096, '\x5a');
  const auto* memory = junk.data();
  detail::recycle(std::move(junk));
  auto reused = to_bytes(big).value();
  CHECK(reused.data() == memory);
  CHECK(reused == fresh);
  // A small state takes the large buffer and still writes exactly its own bytes.
  detail::recycle(std::move(reused));
  auto small = troupe::test::make_tile(0, 1);
  auto again = to_bytes(small).value();
  CHECK(troupe::test::same_bits(from_bytes<tile_state>(again).value(), small));
}
