// The checkpoint writer's thread: every write lands, outcomes are reported once, and a write
// begun is finished when the writer ends.
#include <troupe/actors/checkpoint_writer.hpp>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "checkpoint_support.hpp"

using namespace troupe::actors;
using namespace troupe::test;

TEST_CASE("checkpoint_writer writes each checkpoint it is given, keeping the newest two",
          "[actors][checkpoint_writer]") {
  scratch_dir dir;
  auto writer = checkpoint_writer::open(dir.path()).value();
  CHECK(writer.dir() == dir.path());
  for (std::int64_t step : {10, 20, 30, 40})
    REQUIRE(writer.start(heat_info(step), tile_parts(3, step)).has_value());
  REQUIRE(writer.wait().has_value());
  CHECK(!writer.busy());
  CHECK(names_in(dir.path()) == std::vector<std::string>{"step_0000000030", "step_0000000040"});
  auto cp = find_latest(dir.path(), "heat2d").value();
  CHECK(cp.info() == heat_info(40));
  for (std::size_t rank = 0; rank < 3; ++rank)
    CHECK(
        same_bits(from_bytes<tile_state>(cp.read_part(rank).value()).value(), make_tile(rank, 40)));
}

TEST_CASE("checkpoint_writer reports a failed write once, at the next start or wait",
          "[actors][checkpoint_writer]") {
  scratch_dir dir;
  auto writer = checkpoint_writer::open(dir.path()).value();
  auto bad = heat_info(10);
  bad.layout = "two\nlines";

  SECTION("at the next start") {
    REQUIRE(writer.start(bad, tile_parts(1, 10)).has_value());
    auto previous = writer.start(heat_info(20), tile_parts(1, 20));
    REQUIRE(!previous.has_value());
    CHECK_THAT(previous.error().message(), Catch::Contains("layout must be one line"));
    CHECK(writer.wait().has_value());
    CHECK(find_latest(dir.path(), "heat2d").value().info().step == 20);
  }
  SECTION("at wait, once") {
    REQUIRE(writer.start(bad, tile_parts(1, 10)).has_value());
    auto outcome = writer.wait();
    REQUIRE(!outcome.has_value());
    CHECK_THAT(outcome.error().message(), Catch::Contains("layout must be one line"));
    CHECK(writer.wait().has_value());
    CHECK(writer.start(heat_info(20), tile_parts(1, 20)).has_value());
  }
}

TEST_CASE("checkpoint_writer finishes the write in flight when it ends",
          "[actors][checkpoint_writer]") {
  scratch_dir dir;
  {
    auto writer = checkpoint_writer::open(dir.path()).value();
    REQUIRE(writer.start(heat_info(10), tile_parts(3, 10)).has_value());
  }
  CHECK(find_latest(dir.path(), "heat2d").value().info().step == 10);
}

TEST_CASE("checkpoint_writer refuses a directory it cannot write, naming it",
          "[actors][checkpoint_writer]") {
  scratch_dir dir;
  overwrite(dir / "file", "not a directory");
  auto writer = checkpoint_writer::open(dir / "file" / "ckpt");
  REQUIRE(!writer.has_value());
  CHECK_THAT(writer.error().message(), Catch::Contains((dir / "file" / "ckpt").string()));
}
