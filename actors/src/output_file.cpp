#include "internal/output_file.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>
#include <unistd.h>

namespace troupe::actors::detail {

namespace fs = std::filesystem;

troupe::error io_error(std::string_view what, const fs::path& path, int errnum,
                       std::string_view advice) {
  std::string message{what};
  message += " '";
  message += path.string();
  message += "': ";
  message += std::strerror(errnum);
  message += "; ";
  message += advice;
  return troupe::error{std::error_code{errnum, std::generic_category()}, std::move(message)};
}

troupe::error invalid_argument(std::string message) {
  return troupe::error{std::make_error_code(std::errc::invalid_argument), std::move(message)};
}

result<void> make_directory(const fs::path& dir) {
  if (dir.empty())
    return {};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return io_error("cannot create output directory", dir, ec.value(),
                    "choose a directory you can write to, or create it first");
  if (!fs::is_directory(dir, ec))
    return io_error("output directory", dir, ENOTDIR,
                    "it exists but is not a directory; choose another path");
  // Checked here so that a run learns at its start, not at its first output step.
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return io_error("cannot write into output directory", dir, errno,
                    "choose a directory you can write to, or change its permissions");
  return {};
}

result<void> write_atomically(const fs::path& file, const std::function<bool(std::FILE*)>& body) {
  if (auto made = make_directory(file.parent_path()); !made)
    return made;
  auto partial = file;
  partial += ".partial";
  auto* f = std::fopen(partial.c_str(), "wb");
  if (!f)
    return io_error("cannot create", partial, errno,
                    "check that its directory exists and that you may write there");
  auto fail = [&](int errnum) {
    std::remove(partial.c_str());
    return io_error("cannot write", partial, errnum, "check free space and permissions");
  };
  errno = 0;
  bool written = body(f);
  int errnum = errno != 0 ? errno : EIO;
  if (!written) {
    std::fclose(f);
    return fail(errnum);
  }
  if (std::fflush(f) != 0 || std::ferror(f) != 0) {
    errnum = errno != 0 ? errno : EIO;
    std::fclose(f);
    return fail(errnum);
  }
  if (std::fclose(f) != 0)
    return fail(errno);
  if (std::rename(partial.c_str(), file.c_str()) != 0) {
    errnum = errno;
    std::remove(partial.c_str());
    return io_error("cannot rename a finished file into place as", file, errnum,
                    "check that the path is not a directory and that you may write there");
  }
  return {};
}

std::string round_trip(double x) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return {buf, end};
}

} // namespace troupe::actors::detail
