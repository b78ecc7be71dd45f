// The CSV time series: exact numbers, rows on disk as written, restarts and bad input.
#include <troupe/actors/csv.hpp>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <limits>
#include <sstream>
#include <vector>

#include <sys/prctl.h>

#include <poll.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "output_support.hpp"

using namespace troupe::actors;
using troupe::test::scratch_dir;
using troupe::test::slurp;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in{line};
  for (std::string field; std::getline(in, field, ',');)
    fields.push_back(field);
  return fields;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

TEST_CASE("csv_series writes a header and rows whose numbers read back bit for bit",
          "[actors][csv]") {
  scratch_dir dir;
  auto csv = csv_series::open(dir / "run" / "series.csv", {"energy", "max"});
  REQUIRE(csv.has_value());
  const std::vector<std::array<double, 4>> rows = {
      {0.1, 1.0 / 3.0, 2.0 / 3.0, -0.0},
      {0.2, 1e-300, std::numeric_limits<double>::denorm_min(), 123456789.125},
      {0.30000000000000004, std::numeric_limits<double>::max(), -1.0 / 7.0, 6.02214076e23},
  };
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto& r = rows[k];
    REQUIRE(csv->write(static_cast<std::int64_t>(k) * 10, r[0], r[1], {r[2], r[3]}).has_value());
  }
  auto lines = lines_of(slurp(csv->path()));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "step,time,residual,energy,max");
  int exact = 0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    auto fields = fields_of(lines[k + 1]);
    REQUIRE(fields.size() == 5);
    CHECK(fields[0] == std::to_string(k * 10));
    for (std::size_t c = 0; c < 4; ++c)
      exact += same_bits(std::strtod(fields[c + 1].c_str(), nullptr), rows[k][c]) ? 1 : 0;
  }
  CHECK(exact == 12);
  CHECK(lines[1] == "0,0.1,0.3333333333333333,0.6666666666666666,-0");
}

TEST_CASE("csv_series rows are in the file as soon as write returns", "[actors][csv]") {
  scratch_dir dir;
  auto csv = csv_series::open(dir / "live.csv", {}).value();
  CHECK(slurp(csv.path()) == "step,time,residual\n");
  REQUIRE(csv.write(1, 0.5, 0.25).has_value());
  CHECK(slurp(csv.path()) == "step,time,residual\n1,0.5,0.25\n");
  REQUIRE(csv.write(2, 1.0, 0.125).has_value());
  CHECK(slurp(csv.path()) == "step,time,residual\n1,0.5,0.25\n2,1,0.125\n");
}

TEST_CASE("csv_series leaves only complete rows when its process is killed", "[actors][csv]") {
  scratch_dir dir;
  auto file = dir / "killed.csv";
  int written[2];
  REQUIRE(::pipe(written) == 0);
  auto child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Bounded, and ended with the test process, so that it can never fill the disk.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    auto csv = csv_series::open(file, {"a", "b", "c"});
    for (std::int64_t step = 0; csv && step < 200'000; ++step) {
      if (!csv->write(step, step * 0.001, 1.0 / (step + 1), {1.0 / 3, 2.0 / 3, 1.0 / 7}))
        break;
      if (step == 2000) // tells the parent that a good many rows are in the file
        (void)!::write(written[1], "w", 1);
    }
    ::_exit(1);
  }
  // Kill the child mid-stream once it says it wrote 2,000 rows (at most 10 s): it goes on
  // writing until the kill.
  ::close(written[1]);
  pollfd said{written[0], POLLIN, 0};
  bool enough = ::poll(&said, 1, 10'000) == 1 && (said.revents & POLLIN) != 0;
  ::close(written[0]);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(enough);
  INFO("child wait status " << status);
  REQUIRE(WIFSIGNALED(status)); // Killed while writing, not finished.
  auto text = slurp(file);
  // Linux may stop a write(2) that a SIGKILL interrupts at a page boundary, so the last row can
  // be cut off (rarely: seen once in many runs under load); every row before it is whole, and
  // a restart drops the cut one (next test).
  auto lines = lines_of(text);
  if (text.back() != '\n') {
    auto& cut = lines.back();
    auto k = lines.size() - 2;
    CHECK(std::string{std::to_string(k) + ","}.starts_with(
        cut.substr(0, std::min(cut.size(), std::to_string(k).size() + 1))));
    lines.pop_back();
  }
  int complete = 0;
  for (std::size_t k = 1; k < lines.size(); ++k)
    complete += fields_of(lines[k]).size() == 6 && lines[k].starts_with(std::to_string(k - 1) + ",")
                    ? 1
                    : 0;
  CHECK(complete == static_cast<int>(lines.size()) - 1);
}

TEST_CASE("csv_series opened at a restart step keeps the earlier complete rows only",
          "[actors][csv]") {
  scratch_dir dir;
  auto file = dir / "restart.csv";
  {
    auto csv = csv_series::open(file, {"e"}).value();
    for (int step = 0; step < 6; ++step)
      REQUIRE(csv.write(step, step * 0.5, 1.0, {step * 2.0}).has_value());
  }
  std::ofstream{file, std::ios::app} << "6,3"; // A row cut off by a kill.
  {
    auto csv = csv_series::open(file, {"e"}, 3).value();
    REQUIRE(csv.write(3, 1.5, 0.5, {6.0}).has_value());
  }
  CHECK(slurp(file) == "step,time,residual,e\n0,0,1,0\n1,0.5,1,2\n2,1,1,4\n3,1.5,0.5,6\n");
  CHECK(!std::filesystem::exists(dir / "restart.csv.partial"));

  // A new run (first step 0) starts the file afresh.
  auto fresh = csv_series::open(file, {"e"}).value();
  CHECK(slurp(file) == "step,time,residual,e\n");
}

TEST_CASE("csv_series refuses another header at restart, bad names, wrong rows and bad dirs",
          "[actors][csv]") {
  scratch_dir dir;
  auto file = dir / "bad.csv";
  auto csv = csv_series::open(file, {"e"}).value();
  REQUIRE(csv.write(0, 0.0, 1.0, {2.0}).has_value());

  auto other = csv_series::open(file, {"f"}, 1);
  REQUIRE(!other.has_value());
  CHECK_THAT(other.error().message(),
             Catch::Contains(file.string()) &&
                 Catch::Contains("another header than 'step,time,residual,f'"));
  CHECK(slurp(file) == "step,time,residual,e\n0,0,1,2\n");

  auto comma = csv_series::open(dir / "c.csv", {"a,b"});
  REQUIRE(!comma.has_value());
  CHECK_THAT(comma.error().message(), Catch::Contains("quantity name 'a,b'"));
  CHECK(!std::filesystem::exists(dir / "c.csv"));

  auto wide = csv.write(1, 0.1, 1.0, {1.0, 2.0});
  REQUIRE(!wide.has_value());
  CHECK_THAT(wide.error().message(), Catch::Contains("a row of 2 quantities, but 1 were named"));

  std::ofstream{dir / "blocker"} << "a file where a directory is wanted\n";
  auto bad = dir / "blocker" / "csv";
  auto blocked = csv_series::open(bad / "series.csv", {});
  REQUIRE(!blocked.has_value());
  CHECK(blocked.error().code() == std::errc::not_a_directory);
  CHECK_THAT(blocked.error().message(),
             Catch::Contains("cannot create output directory '" + bad.string() + "'"));
}
