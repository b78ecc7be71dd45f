// The .vti and .pvd writers, checked by reading their files with VTK's own reader.
#include <troupe/actors/vti.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "output_support.hpp"
#include <support/process.hpp>

using namespace troupe::actors;
using troupe::test::scratch_dir;

namespace {

// What VTK's reader found in one file (see vti_probe.py).
struct vtk_image {
  std::string timestep, file; // from the .pvd
  std::string dimensions, spacing, origin, scalars;
  std::vector<std::string> arrays;
  std::map<std::tuple<std::string, int, int>, double> values;
};

struct vtk_read {
  int status = 0;
  std::string output;
  std::vector<vtk_image> images;
};

std::string rest(std::istringstream& line) {
  std::string s;
  std::getline(line >> std::ws, s);
  return s;
}

vtk_read read_with_vtk(const std::filesystem::path& file) {
  vtk_read r;
  troupe::test::process probe{TROUPE_VTK_PYTHON, {TROUPE_VTI_PROBE, file.string()}};
  r.status = probe.wait(std::chrono::seconds{120}, "VTK's reader (vti_probe.py)");
  r.output = probe.out() + (probe.err().empty() ? "" : "stderr:\n" + probe.err());
  INFO("vti_probe.py said:\n" << r.output);
  REQUIRE(r.output.find("vtk-missing") == std::string::npos);
  std::istringstream lines{probe.out()};
  for (std::string text; std::getline(lines, text);) {
    std::istringstream line{text};
    std::string key;
    line >> key;
    if (key == "dataset" || r.images.empty())
      r.images.emplace_back();
    auto& image = r.images.back();
    if (key == "dataset") {
      line >> image.timestep >> image.file;
    } else if (key == "dimensions") {
      image.dimensions = rest(line);
    } else if (key == "spacing") {
      image.spacing = rest(line);
    } else if (key == "origin") {
      image.origin = rest(line);
    } else if (key == "scalars") {
      image.scalars = rest(line);
    } else if (key == "array") {
      image.arrays.push_back(rest(line));
    } else if (key == "value") {
      std::string name, value;
      int i = 0, j = 0;
      line >> name >> i >> j >> value;
      image.values[{name, i, j}] = std::strtod(value.c_str(), nullptr);
    }
  }
  return r;
}

// Values whose bits differ from point to point and between x and y, so that a transposed or
// shifted array cannot pass.
Eigen::ArrayXXd probe_field(int nx, int ny, double seed) {
  Eigen::ArrayXXd f(nx, ny);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i)
      f(i, j) = seed + std::sin(0.7 * i + 1.3 * j) * 1000.0 + i - 0.001 * j;
  return f;
}

} // namespace

TEST_CASE("write_vti writes a file whose every point VTK's reader reads back with x fastest",
          "[actors][vti]") {
  scratch_dir dir;
  auto t = probe_field(7, 5, 0.0);
  auto u = probe_field(7, 5, 1e-3);
  image_geometry geometry{.origin = {-1.5, 0.25}, .spacing = {0.5, 0.125}};
  auto file = dir / "field.vti";
  REQUIRE(write_vti(file, geometry, {{"T", t}, {"u&v<w>", u}}).has_value());
  CHECK(!std::filesystem::exists(dir / "field.vti.partial"));

  auto read = read_with_vtk(file);
  INFO("vti_probe.py said:\n" << read.output);
  REQUIRE(read.status == 0);
  REQUIRE(read.images.size() == 1);
  const auto& image = read.images[0];
  CHECK(image.dimensions == "7 5 1");
  CHECK(image.spacing == "0.5 0.125 1.0");
  CHECK(image.origin == "-1.5 0.25 0.0");
  CHECK(image.scalars == "T");
  CHECK(image.arrays == std::vector<std::string>{"T double 35 1", "u&v<w> double 35 1"});
  int exact = 0;
  for (int j = 0; j < 5; ++j)
    for (int i = 0; i < 7; ++i) {
      exact += image.values.at({"T", i, j}) == t(i, j) ? 1 : 0;
      exact += image.values.at({"u&v<w>", i, j}) == u(i, j) ? 1 : 0;
    }
  CHECK(exact == 70);
}

TEST_CASE("write_vti writes one row or one column of points as a valid image", "[actors][vti]") {
  scratch_dir dir;
  auto row = probe_field(6, 1, 0.0);
  REQUIRE(write_vti(dir / "row.vti", {}, {{"T", row}}).has_value());
  auto read = read_with_vtk(dir / "row.vti");
  INFO("vti_probe.py said:\n" << read.output);
  REQUIRE(read.status == 0);
  CHECK(read.images.at(0).dimensions == "6 1 1");
  CHECK(read.images.at(0).values.at({"T", 5, 0}) == row(5, 0));
}

TEST_CASE("vti_series lists every written step with its time in a .pvd that VTK's files match",
          "[actors][vti]") {
  scratch_dir dir;
  auto series = vti_series::open(dir / "out", "heat");
  REQUIRE(series.has_value());
  const std::array<std::string, 3> files{"heat_000000.vti", "heat_000010.vti", "heat_000020.vti"};
  for (int step : {0, 10, 20}) {
    auto field = probe_field(4, 3, step);
    auto written = series->write(step, step * 0.01, {.spacing = {0.25, 0.5}}, {{"T", field}});
    REQUIRE(written.has_value());
    CHECK(*written == dir / "out" / files[step / 10]);
  }
  CHECK(series->pvd_path() == dir / "out" / "heat.pvd");
  CHECK(series->steps() == std::vector<std::int64_t>{0, 10, 20});

  auto read = read_with_vtk(series->pvd_path());
  INFO("vti_probe.py said:\n" << read.output);
  REQUIRE(read.status == 0);
  REQUIRE(read.images.size() == 3);
  const std::array<std::string, 3> times{"0", "0.1", "0.2"};
  for (std::size_t k = 0; k < 3; ++k) {
    int step = static_cast<int>(k) * 10;
    CHECK(read.images[k].timestep == times[k]);
    CHECK(read.images[k].file == files[k]);
    CHECK(read.images[k].dimensions == "4 3 1");
    CHECK(read.images[k].spacing == "0.25 0.5 1.0");
    CHECK(read.images[k].values.at({"T", 3, 2}) == probe_field(4, 3, step)(3, 2));
  }
  for (const auto& entry : std::filesystem::directory_iterator{dir / "out"})
    CHECK(entry.path().extension() != ".partial");
}

TEST_CASE("vti_series opened at a restart step keeps the earlier steps and replaces the later",
          "[actors][vti]") {
  scratch_dir dir;
  auto field = probe_field(3, 3, 0.0);
  {
    auto first = vti_series::open(dir.path(), "run").value();
    for (int step : {0, 10, 20})
      REQUIRE(first.write(step, step, {}, {{"T", field}}).has_value());
  }
  auto restarted = vti_series::open(dir.path(), "run", 10).value();
  CHECK(restarted.steps() == std::vector<std::int64_t>{0});
  for (int step : {10, 20, 30})
    REQUIRE(restarted.write(step, step, {}, {{"T", field}}).has_value());
  auto read = read_with_vtk(restarted.pvd_path());
  INFO("vti_probe.py said:\n" << read.output);
  REQUIRE(read.status == 0);
  std::vector<std::string> listed;
  for (const auto& image : read.images)
    listed.push_back(image.file);
  CHECK(listed == std::vector<std::string>{"run_000000.vti", "run_000010.vti", "run_000020.vti",
                                           "run_000030.vti"});

  // A new run (first step 0) starts the collection afresh.
  auto fresh = vti_series::open(dir.path(), "run").value();
  CHECK(fresh.steps().empty());
  REQUIRE(fresh.write(0, 0.0, {}, {{"T", field}}).has_value());
  CHECK(read_with_vtk(fresh.pvd_path()).images.size() == 1);
}

TEST_CASE("vti output into a directory that cannot be created is an error naming it",
          "[actors][vti]") {
  scratch_dir dir;
  std::ofstream{dir / "blocker"} << "a file where a directory is wanted\n";
  auto field = probe_field(2, 2, 0.0);
  auto bad = dir / "blocker" / "out";

  auto written = write_vti(bad / "f.vti", {}, {{"T", field}});
  REQUIRE(!written.has_value());
  CHECK_THAT(written.error().message(),
             Catch::Contains(bad.string()) && Catch::Contains("cannot create output directory"));
  CHECK(written.error().code() == std::errc::not_a_directory);

  auto series = vti_series::open(bad, "heat");
  REQUIRE(!series.has_value());
  CHECK_THAT(series.error().message(), Catch::Contains(bad.string()));
}

TEST_CASE("vti output into a directory this user may not write is an error naming it",
          "[actors][vti]") {
  scratch_dir dir;
  auto locked = dir / "locked";
  std::filesystem::create_directory(locked);
  std::filesystem::permissions(
      locked, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                  std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
  auto message = troupe::test::as_unprivileged([&] {
    auto series = vti_series::open(locked, "heat");
    return series ? std::string{"opened"} : series.error().message();
  });
  CHECK_THAT(message, Catch::Contains("cannot write into output directory '" + locked.string() +
                                      "': Permission denied"));
  CHECK(std::filesystem::is_empty(locked));
}

TEST_CASE("write_vti refuses empty, mismatched, unnamed and duplicate fields and writes nothing",
          "[actors][vti]") {
  scratch_dir dir;
  auto file = dir / "bad.vti";
  Eigen::ArrayXXd empty(0, 4), small(2, 2), other(3, 2);
  small.setZero();
  other.setZero();
  auto refused = [&](troupe::result<void> r, const std::string& says) {
    REQUIRE(!r.has_value());
    CHECK(r.error().code() == std::errc::invalid_argument);
    CHECK_THAT(r.error().message(), Catch::Contains(says) && Catch::Contains(file.string()));
  };
  refused(write_vti(file, {}, {{"T", empty}}), "field 'T' is empty (0×4)");
  refused(write_vti(file, {}, std::span<const image_field>{}), "no field given");
  refused(write_vti(file, {}, {{"T", small}, {"u", other}}), "field 'u' is 3×2");
  refused(write_vti(file, {}, {{"", small}}), "has no name");
  refused(write_vti(file, {}, {{"T", small}, {"T", small}}), "appears twice");
  refused(write_vti(file, {.spacing = {0.0, 1.0}}, {{"T", small}}), "spacing");
  CHECK(!std::filesystem::exists(file));
  CHECK(!vti_series::open(dir.path(), "../escape").has_value());
}
