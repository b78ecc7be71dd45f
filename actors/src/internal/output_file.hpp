// What the output writers share: making an output directory, writing a file under a temporary
// name and renaming it into place, and errors that name the path and what to do.
#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include <troupe/result.hpp>

namespace troupe::actors::detail {

/// An error for `path` carrying errno's code: "<what> '<path>': <strerror>; <advice>".
troupe::error io_error(std::string_view what, const std::filesystem::path& path, int errnum,
                       std::string_view advice);

/// An `std::errc::invalid_argument` error with `message`.
troupe::error invalid_argument(std::string message);

/// Creates `dir` and its parents if missing; an error names the directory when that fails, when
/// `dir` exists but is not a directory, or when this process may not create files in it.
result<void> make_directory(const std::filesystem::path& dir);

/// Writes `file` through `body` into `<file>.partial` beside it and renames that into place,
/// so a reader sees the old file or the complete new one, never a half-written one. `body`
/// returns false when a write failed (errno tells why). The parent directory is created first.
result<void> write_atomically(const std::filesystem::path& file,
                              const std::function<bool(std::FILE*)>& body);

/// `x` printed so that reading it back gives the same double (shortest round-trip form).
std::string round_trip(double x);

} // namespace troupe::actors::detail
