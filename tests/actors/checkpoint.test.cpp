// Checkpoints on disk: exact round trips, the last two kept, crashes and corruption reported
// by name with the previous checkpoint used, bad directories and bad input named.
#include <troupe/actors/checkpoint.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "checkpoint_support.hpp"

using namespace troupe::actors;
using namespace troupe::test;
namespace fs = std::filesystem;

namespace {

// find_latest with its warnings collected instead of printed.
struct search {
  troupe::result<checkpoint> found;
  std::vector<std::string> warnings;
};

search latest(const fs::path& dir, std::string_view program = "heat2d") {
  std::vector<std::string> warnings;
  auto found =
      find_latest(dir, program, [&](const std::string& line) { warnings.push_back(line); });
  return {std::move(found), std::move(warnings)};
}

} // namespace

TEST_CASE("a checkpoint gives back its info and every part's arrays bit for bit",
          "[actors][checkpoint]") {
  scratch_dir dir;
  checkpoint_info info{"heat2d",
                       200,
                       1.0 / 3,
                       "60x40 cells in 3x1 tiles = odd, yes",
                       {{"alpha", 0.1}, {"dt", 1e-300}, {"a.b c", -0.0}}};
  auto parts = tile_parts(3, 200);
  auto where = write_checkpoint(dir.path(), info, parts).value();
  CHECK(where == dir / "step_0000000200");
  CHECK(names_in(where) ==
        std::vector<std::string>{"manifest", "part_0.bin", "part_1.bin", "part_2.bin"});

  auto found = latest(dir.path());
  REQUIRE(found.found.has_value());
  CHECK(found.warnings.empty());
  const auto& cp = *found.found;
  CHECK(cp.path() == where);
  CHECK(cp.info() == info);
  CHECK(std::signbit(cp.info().parameters.at("a.b c")));
  REQUIRE(cp.parts().size() == 3);
  for (std::size_t rank = 0; rank < 3; ++rank) {
    CHECK(cp.parts()[rank].size == parts[rank].size());
    auto state = from_bytes<tile_state>(cp.read_part(rank).value()).value();
    CHECK(same_bits(state, make_tile(rank, 200)));
  }
  CHECK(!cp.read_part(3).has_value());
}

TEST_CASE("a checkpoint of more parts than files it syncs at once gives back every part",
          "[actors][checkpoint]") {
  scratch_dir dir;
  write_checkpoint(dir.path(), heat_info(7), tile_parts(40, 7)).value();
  auto cp = latest(dir.path()).found.value();
  REQUIRE(cp.parts().size() == 40);
  for (std::size_t rank = 0; rank < 40; ++rank)
    CHECK(
        same_bits(from_bytes<tile_state>(cp.read_part(rank).value()).value(), make_tile(rank, 7)));
}

TEST_CASE("a checkpoint directory keeps only the newest two checkpoints", "[actors][checkpoint]") {
  scratch_dir dir;
  for (std::int64_t step : {0, 50, 100, 150})
    write_heat(dir.path(), step);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"step_0000000100", "step_0000000150"});
  CHECK(latest(dir.path()).found->info().step == 150);
}

TEST_CASE("a checkpoint after a restart from an older one replaces the abandoned later ones",
          "[actors][checkpoint]") {
  scratch_dir dir;
  write_heat(dir.path(), 100);
  write_heat(dir.path(), 200);
  flip_bit(dir / "step_0000000200" / "part_0.bin", 10);
  REQUIRE(latest(dir.path()).found->info().step == 100);
  // The restarted run checkpoints at 150, then again at 200 (rewriting that step).
  write_heat(dir.path(), 150);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"step_0000000100", "step_0000000150"});
  write_heat(dir.path(), 200);
  auto found = latest(dir.path());
  CHECK(found.found->info().step == 200);
  CHECK(found.warnings.empty());
}

TEST_CASE("a checkpoint of a step already on disk replaces it", "[actors][checkpoint]") {
  scratch_dir dir;
  write_heat(dir.path(), 100);
  auto info = heat_info(100);
  info.parameters["alpha"] = 0.2;
  write_checkpoint(dir.path(), info, tile_parts(3, 100)).value();
  CHECK(names_in(dir.path()) == std::vector<std::string>{"step_0000000100"});
  CHECK(latest(dir.path()).found->info().parameters.at("alpha") == 0.2);
}

TEST_CASE("a partial directory left by a crash is ignored and removed by the next write",
          "[actors][checkpoint]") {
  scratch_dir dir;
  write_heat(dir.path(), 100);
  // A write of step 200 cut short after its files were complete but before the rename: even a
  // partial directory that would verify is not a checkpoint.
  write_heat(dir.path() / "other", 200);
  fs::rename(dir / "other" / "step_0000000200", dir / ".step_0000000200.partial");
  fs::create_directory(dir / ".step_0000000300.partial");
  overwrite(dir / ".step_0000000300.partial" / "part_0.bin", "half");

  auto found = latest(dir.path());
  REQUIRE(found.found.has_value());
  CHECK(found.found->info().step == 100);
  CHECK(found.warnings.empty());

  write_heat(dir.path(), 150);
  CHECK(!fs::exists(dir / ".step_0000000200.partial"));
  CHECK(!fs::exists(dir / ".step_0000000300.partial"));
  CHECK(latest(dir.path()).found->info().step == 150);
}

TEST_CASE("a damaged checkpoint is reported by name and the previous one is used",
          "[actors][checkpoint]") {
  scratch_dir dir;
  write_heat(dir.path(), 100);
  auto newest = write_heat(dir.path(), 200);
  auto part = newest / "part_1.bin";
  auto manifest = newest / "manifest";
  std::string expected;

  SECTION("a part file cut short") {
    fs::resize_file(part, fs::file_size(part) - 1);
    expected =
        "part_1.bin has " + std::to_string(fs::file_size(part)) + " bytes, the manifest says";
  }
  SECTION("a part file with one bit flipped") {
    flip_bit(part, fs::file_size(part) / 2);
    expected = "part_1.bin checksum mismatch";
  }
  SECTION("a part file missing") {
    fs::remove(part);
    expected = "part_1.bin missing";
  }
  SECTION("a manifest with a parameter changed") {
    auto text = slurp(manifest);
    auto at = text.find("alpha=0.1");
    REQUIRE(at != std::string::npos);
    text[at + 8] = '2';
    overwrite(manifest, text);
    expected = "manifest checksum mismatch";
  }
  SECTION("a manifest cut short") {
    overwrite(manifest, slurp(manifest).substr(0, 90));
    expected = "manifest ends mid-line";
  }
  SECTION("a manifest cut after a line") {
    auto text = slurp(manifest);
    overwrite(manifest, text.substr(0, text.find("parts=")));
    expected = "no manifest-sha256 line";
  }
  SECTION("a manifest missing") {
    fs::remove(manifest);
    expected = "manifest missing";
  }
  SECTION("a manifest of another format") {
    overwrite(manifest, "{\"step\": 200}\n");
    expected = "not a troupe checkpoint manifest";
  }
  SECTION("a manifest of a newer format version") {
    auto text = slurp(manifest);
    text.replace(text.find("version=1"), 9, "version=2");
    overwrite(manifest, text);
    expected = "format version 2, this build reads version 1";
  }
  SECTION("a checkpoint of another program") {
    fs::remove_all(newest);
    write_checkpoint(dir.path() / "wave", heat_info(200, "wave2d"), tile_parts(3, 200)).value();
    fs::rename(dir / "wave" / "step_0000000200", newest);
    expected = "manifest is of program 'wave2d', not 'heat2d'";
  }

  auto found = latest(dir.path());
  REQUIRE(found.found.has_value());
  CHECK(found.found->info().step == 100);
  REQUIRE(found.warnings.size() == 1);
  CHECK_THAT(found.warnings[0], Catch::Contains("checkpoint '" + newest.string() + "' skipped"));
  CHECK_THAT(found.warnings[0], Catch::Contains(expected));
  CHECK(checkpoint::open(newest, "heat2d").has_value() == false);
}

TEST_CASE("find_latest with no valid checkpoint names the directory and each one's fault",
          "[actors][checkpoint]") {
  scratch_dir dir;
  write_heat(dir.path(), 100);
  write_heat(dir.path(), 200);
  fs::remove(dir / "step_0000000200" / "part_2.bin");
  flip_bit(dir / "step_0000000100" / "part_0.bin", 3);
  auto found = latest(dir.path());
  REQUIRE(!found.found.has_value());
  CHECK(found.warnings.empty()); // the error says it all, once
  const auto& message = found.found.error().message();
  CHECK(found.found.error().code() == std::errc::bad_message);
  CHECK_THAT(message,
             Catch::Contains("no valid checkpoint of 'heat2d' in '" + dir.path().string()));
  CHECK_THAT(message, Catch::Contains("step_0000000200: part_2.bin missing"));
  CHECK_THAT(message, Catch::Contains("step_0000000100: part_0.bin checksum mismatch"));
  CHECK_THAT(message, Catch::Contains("start a new run without restarting"));
}

TEST_CASE("find_latest of a directory without checkpoints names it", "[actors][checkpoint]") {
  scratch_dir dir;
  auto empty = latest(dir.path());
  REQUIRE(!empty.found.has_value());
  CHECK_THAT(empty.found.error().message(),
             Catch::Contains("no checkpoint in '" + dir.path().string() + "'"));

  auto missing = latest(dir / "nowhere");
  REQUIRE(!missing.found.has_value());
  CHECK_THAT(missing.found.error().message(),
             Catch::Contains("no checkpoint directory '" + (dir / "nowhere").string() + "'"));
}

TEST_CASE("every single bit flipped in a manifest is noticed", "[actors][checkpoint]") {
  scratch_dir dir;
  auto where = write_heat(dir.path(), 100);
  auto manifest = where / "manifest";
  auto original = slurp(manifest);
  for (std::size_t offset = 0; offset < original.size(); ++offset) {
    auto flipped = original;
    flipped[offset] = static_cast<char>(flipped[offset] ^ 0x01);
    overwrite(manifest, flipped);
    INFO("offset " << offset << " of the manifest:\n" << original);
    CHECK(!checkpoint::open(where, "heat2d").has_value());
  }
  overwrite(manifest, original);
  CHECK(checkpoint::open(where, "heat2d").has_value());
}

TEST_CASE("check_layout refuses another layout naming the manifest and both layouts",
          "[actors][checkpoint]") {
  scratch_dir dir;
  write_heat(dir.path(), 100);
  auto cp = latest(dir.path()).found.value();
  CHECK(cp.check_layout("60x40 cells in 3x1 tiles", 3).has_value());
  auto other = cp.check_layout("60x40 cells in 2x2 tiles", 4);
  REQUIRE(!other.has_value());
  CHECK_THAT(other.error().message(),
             Catch::Contains((dir / "step_0000000100" / "manifest").string()));
  CHECK_THAT(other.error().message(), Catch::Contains("'60x40 cells in 3x1 tiles' in 3 parts"));
  CHECK_THAT(other.error().message(), Catch::Contains("'60x40 cells in 2x2 tiles' in 4 parts"));
  CHECK(!cp.check_layout("60x40 cells in 3x1 tiles", 2).has_value());
}

TEST_CASE("read_part notices a part file changed after the checkpoint was verified",
          "[actors][checkpoint]") {
  scratch_dir dir;
  auto where = write_heat(dir.path(), 100);
  auto cp = latest(dir.path()).found.value();
  flip_bit(where / "part_2.bin", 40);
  auto part = cp.read_part(2);
  REQUIRE(!part.has_value());
  CHECK_THAT(part.error().message(), Catch::Contains((where / "part_2.bin").string()));
  fs::resize_file(where / "part_1.bin", fs::file_size(where / "part_1.bin") + 1);
  CHECK(!cp.read_part(1).has_value());
  CHECK(cp.read_part(0).has_value());
}

TEST_CASE("write_checkpoint into a directory it cannot write names the directory",
          "[actors][checkpoint]") {
  scratch_dir dir;
  overwrite(dir / "file", "not a directory");
  auto under_file = write_checkpoint(dir / "file" / "ckpt", heat_info(1), tile_parts(1, 1));
  REQUIRE(!under_file.has_value());
  CHECK_THAT(under_file.error().message(), Catch::Contains((dir / "file" / "ckpt").string()));

  fs::create_directory(dir / "locked");
  ::chmod((dir / "locked").c_str(), 0555);
  auto message = as_unprivileged([&] {
    auto written = write_checkpoint(dir / "locked", heat_info(1), tile_parts(1, 1));
    return written ? std::string{"written"} : written.error().message();
  });
  CHECK_THAT(message, Catch::Contains("'" + (dir / "locked").string() + "'"));
  CHECK_THAT(message, Catch::Contains("Permission denied"));
  CHECK(names_in(dir / "locked").empty());
}

TEST_CASE("write_checkpoint refuses info its manifest cannot hold and keeps what is on disk",
          "[actors][checkpoint]") {
  scratch_dir dir;
  write_heat(dir.path(), 100);
  auto info = heat_info(200);
  std::size_t parts = 3;
  std::string expected;
  SECTION("a layout with a line break") {
    info.layout = "3x1\ntiles";
    expected = "layout must be one line";
  }
  SECTION("an empty program name") {
    info.program.clear();
    expected = "program name must be one non-empty line";
  }
  SECTION("a parameter name with '='") {
    info.parameters["a=b"] = 1;
    expected = "parameter name must be one non-empty line without '='";
  }
  SECTION("a negative step") {
    info.step = -1;
    expected = "step must be 0 or more";
  }
  SECTION("no parts") {
    parts = 0;
    expected = "at least one part";
  }
  auto written = write_checkpoint(dir.path(), info, tile_parts(parts, 200));
  REQUIRE(!written.has_value());
  CHECK(written.error().code() == std::errc::invalid_argument);
  CHECK_THAT(written.error().message(), Catch::Contains(expected));
  CHECK(names_in(dir.path()) == std::vector<std::string>{"step_0000000100"});
}
