#include <troupe/actors/csv.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <fstream>
#include <string_view>
#include <unistd.h>
#include <utility>

#include "internal/output_file.hpp"

namespace troupe::actors {

namespace fs = std::filesystem;

namespace {

std::string header_of(const std::vector<std::string>& quantities) {
  std::string h = "step,time,residual";
  for (const auto& q : quantities)
    h += "," + q;
  return h + "\n";
}

// Whether `line` (without its '\n') is a row of `columns` fields whose step is below `limit`.
bool keep_row(std::string_view line, std::size_t columns, std::int64_t limit) {
  std::int64_t step = 0;
  auto comma = line.find(',');
  auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), step);
  if (ec != std::errc{} || comma == std::string_view::npos || end != line.data() + comma)
    return false;
  auto fields = static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')) + 1;
  return fields == columns && step < limit;
}

// What an existing file holds that a restart at `first_step` keeps: the header and its rows
// before that step. Empty when there is no such file.
result<std::string> kept_text(const fs::path& file, const std::string& header, std::size_t columns,
                              std::int64_t first_step) {
  std::ifstream in{file, std::ios::binary};
  if (first_step <= 0 || !in)
    return std::string{};
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  if (!text.starts_with(header))
    return detail::invalid_argument(
        "csv '" + file.string() + "' has another header than '" +
        header.substr(0, header.size() - 1) +
        "'; it was written by another program or setup: move it away or choose another file");
  std::string kept = header;
  for (auto at = header.size(); at < text.size();) {
    auto end = text.find('\n', at);
    if (end == std::string::npos)
      break; // An incomplete last row: the run that wrote it was killed mid-write.
    if (keep_row(std::string_view{text}.substr(at, end - at), columns, first_step))
      kept.append(text, at, end - at + 1);
    at = end + 1;
  }
  return kept;
}

// Writes all of `text` to `fd`, retrying after partial writes and interruptions.
bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    auto n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (n == 0)
        errno = EIO;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

} // namespace

result<csv_series> csv_series::open(fs::path file, std::vector<std::string> quantities,
                                    std::int64_t first_step) {
  for (const auto& q : quantities)
    if (q.empty() || q.find_first_of(",\"\r\n") != std::string::npos)
      return detail::invalid_argument("csv '" + file.string() + "': quantity name '" + q +
                                      "' is empty or holds a comma, quote or line break; " +
                                      "rename it");
  auto header = header_of(quantities);
  auto columns = 3 + quantities.size();
  auto kept = kept_text(file, header, columns, first_step);
  if (!kept)
    return kept.error();
  auto start = kept->empty() ? header : *kept;
  auto written = detail::write_atomically(file, [&](std::FILE* f) {
    return std::fwrite(start.data(), 1, start.size(), f) == start.size();
  });
  if (!written)
    return written.error();
  int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0)
    return detail::io_error("cannot open", file, errno, "check that you may write there");
  return csv_series{std::move(file), quantities.size(), fd};
}

csv_series::csv_series(fs::path file, std::size_t quantities, int fd)
  : file_(std::move(file))
  , quantities_(quantities)
  , fd_(fd) {
}

csv_series::csv_series(csv_series&& other) noexcept
  : file_(std::move(other.file_))
  , quantities_(other.quantities_)
  , fd_(std::exchange(other.fd_, -1)) {
}

csv_series& csv_series::operator=(csv_series&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    file_ = std::move(other.file_);
    quantities_ = other.quantities_;
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

csv_series::~csv_series() {
  if (fd_ >= 0)
    ::close(fd_);
}

result<void> csv_series::write(std::int64_t step, double time, double residual,
                               std::span<const double> quantities) {
  if (quantities.size() != quantities_)
    return detail::invalid_argument("csv '" + file_.string() + "': a row of " +
                                    std::to_string(quantities.size()) + " quantities, but " +
                                    std::to_string(quantities_) + " were named at open");
  if (fd_ < 0)
    return detail::invalid_argument("csv '" + file_.string() + "': written after being moved");
  // Appended piece by piece: g++ 12 at -O3 warns (-Wrestrict, a false positive) on the
  // chained operator+ of temporaries.
  auto row = std::to_string(step);
  for (double x : {time, residual}) {
    row += ',';
    row += detail::round_trip(x);
  }
  for (double q : quantities) {
    row += ',';
    row += detail::round_trip(q);
  }
  row += '\n';
  if (!write_all(fd_, row))
    return detail::io_error("cannot append to", file_, errno, "check free space and permissions");
  return {};
}

} // namespace troupe::actors
