#include <troupe/actors/progress.hpp>

#include <unistd.h>

#include <cinttypes>

namespace troupe::actors {

result<progress_mode> parse_progress(const std::string& text) {
  if (text == "auto")
    return progress_mode::automatic;
  if (text == "bar")
    return progress_mode::bar;
  if (text == "lines")
    return progress_mode::lines;
  if (text == "off")
    return progress_mode::off;
  return error{errc::bad_option, "--progress must be auto, bar, lines or off (got '" + text + "')"};
}

progress::progress(std::string label, progress_mode mode, std::int64_t total, std::FILE* to,
                   std::chrono::milliseconds every)
  : label_(std::move(label))
  , mode_(mode)
  , total_(total)
  , to_(to)
  , every_(every) {
  if (mode_ == progress_mode::automatic)
    mode_ = ::isatty(::fileno(to_)) != 0 ? progress_mode::bar : progress_mode::lines;
}

std::string progress::describe(std::int64_t step, bool done) const {
  std::chrono::duration<double> took = clock::now() - started_;
  auto rate = took.count() > 0 ? static_cast<double>(step - first_) / took.count() : 0.0;
  auto percent =
      total_ > 0 ? 100.0 * static_cast<double>(step) / static_cast<double>(total_) : 100.0;
  char text[160];
  if (done) {
    std::snprintf(text, sizeof text,
                  "%s %" PRId64 "/%" PRId64 " (%.0f%%), %.4g %ss/s, done in %.1f s", unit_.c_str(),
                  step, total_, percent, rate, unit_.c_str(), took.count());
  } else {
    auto eta = rate > 0 ? static_cast<double>(total_ - step) / rate : 0.0;
    std::snprintf(text, sizeof text, "%s %" PRId64 "/%" PRId64 " (%.0f%%), %.4g %ss/s, ETA %.0f s",
                  unit_.c_str(), step, total_, percent, rate, unit_.c_str(), eta);
  }
  return text;
}

void progress::update(std::int64_t step) {
  if (mode_ == progress_mode::off || finished_)
    return;
  auto now = clock::now();
  auto due = mode_ == progress_mode::bar ? std::chrono::milliseconds{100} : every_;
  if (now - last_ < due)
    return;
  last_ = now;
  if (mode_ == progress_mode::lines) {
    std::fprintf(to_, "%s: %s\n", label_.c_str(), describe(step, false).c_str());
    std::fflush(to_);
    return;
  }
  constexpr int width = 30;
  auto filled = total_ > 0 ? static_cast<int>(width * step / total_) : width;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  // The trailing spaces wipe what a longer earlier line left.
  std::fprintf(to_, "\r%s [%s] %s   ", label_.c_str(), bar.c_str(), describe(step, false).c_str());
  std::fflush(to_);
}

void progress::finish(std::int64_t step) {
  if (mode_ == progress_mode::off || finished_)
    return;
  finished_ = true;
  if (mode_ == progress_mode::lines) {
    std::fprintf(to_, "%s: %s\n", label_.c_str(), describe(step, true).c_str());
  } else {
    std::string bar(30, '#');
    std::fprintf(to_, "\r%s [%s] %s   \n", label_.c_str(), bar.c_str(),
                 describe(step, true).c_str());
  }
  std::fflush(to_);
}

} // namespace troupe::actors
