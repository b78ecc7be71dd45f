// examples/wave (the README's second tile simulation) run as a program: the same final bits on
// any thread count and tile layout, and after a restart from a checkpoint.
#ifdef TROUPE_EXAMPLE_WAVE

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <support/process.hpp>

#include "output_support.hpp"

using namespace std::chrono_literals;

namespace {

std::string checksum_of(std::vector<std::string> args) {
  args.insert(args.end(), {"--progress", "off"});
  troupe::test::process p{TROUPE_EXAMPLE_WAVE, std::move(args)};
  auto code = p.wait(120s, "wave to finish");
  INFO(p.describe() << "\nstdout:\n" << p.out() << "stderr:\n" << p.err());
  REQUIRE(code == 0);
  auto at = p.out().find("checksum: ");
  REQUIRE(at != std::string::npos);
  return p.out().substr(at + 10, 16);
}

} // namespace

TEST_CASE("wave gives the same final field bits on 1 and 2 threads and layouts 1x1, 2x2, 3x2",
          "[actors][wave]") {
  std::vector<std::string> base{"--n", "67", "--steps", "120"};
  auto with = [&](std::vector<std::string> more) {
    auto args = base;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  auto reference = checksum_of(with({"--threads", "1", "--tiles-x", "1", "--tiles-y", "1"}));
  for (std::string threads : {"1", "2"})
    for (auto [tx, ty] : {std::pair{"2", "2"}, {"3", "2"}}) {
      CAPTURE(threads, tx, ty);
      CHECK(checksum_of(with({"--threads", threads, "--tiles-x", tx, "--tiles-y", ty})) ==
            reference);
    }
}

TEST_CASE("wave restarted from a checkpoint on another thread count gives the bits of an "
          "uninterrupted run",
          "[actors][wave][checkpoint]") {
  troupe::test::scratch_dir dir;
  std::vector<std::string> base{"--n", "67", "--tiles-x", "3", "--tiles-y", "2"};
  auto with = [&](std::vector<std::string> more) {
    auto args = base;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  auto reference = checksum_of(with({"--steps", "120", "--threads", "2"}));
  checksum_of(with({"--steps", "70", "--threads", "2", "--checkpoint-dir", dir.path().string(),
                    "--checkpoint-every", "30"}));
  CHECK(checksum_of(with({"--steps", "120", "--threads", "1", "--restart", dir.path().string()})) ==
        reference);
  // Another layout: refused with one line naming the checkpoint, exit 2.
  troupe::test::process p{TROUPE_EXAMPLE_WAVE,
                          {"--n", "67", "--steps", "120", "--restart", dir.path().string()}};
  CHECK(p.wait(60s, "wave to refuse") == 2);
  CHECK_THAT(p.err(),
             Catch::StartsWith("wave: --restart " + dir.path().string() + ": checkpoint '") &&
                 Catch::Contains("written for layout '67x67 cells in 3x2 tiles'"));
}

#endif
