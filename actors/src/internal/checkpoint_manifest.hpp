// A checkpoint's manifest: the text format documented in <troupe/actors/checkpoint.hpp>,
// written and parsed here, and the names of the files and directories of a checkpoint.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <troupe/actors/checkpoint.hpp>
#include <troupe/result.hpp>

namespace troupe::actors::detail {

/// What a manifest holds.
struct manifest {
  checkpoint_info info;
  std::vector<part_record> parts;
};

/// The manifest's text for `info` and `parts`; an error names the field of `info` that the
/// format cannot hold (an empty program, a line break, a parameter name with `=`).
result<std::string> format_manifest(const checkpoint_info& info,
                                    std::span<const part_record> parts);

/// Parses and checks a manifest's text. An error's message says what is wrong without naming
/// the file ("manifest checksum mismatch"); the caller adds which checkpoint it belongs to.
result<manifest> parse_manifest(std::string_view text);

/// `part_<rank>.bin`.
std::string part_file_name(std::size_t rank);

/// `step_<step in 10 or more digits>`.
std::string step_dir_name(std::int64_t step);

/// The step of a checkpoint directory named `step_<digits>`, else nothing.
std::optional<std::int64_t> step_of_dir_name(std::string_view name);

/// Whether `name` is that of a write in progress or cut short (`.step_<digits>.partial`).
bool is_partial_dir_name(std::string_view name);

/// What a checkpoint directory holds.
struct directory_listing {
  /// Its checkpoints (`step_N` directories), newest first.
  std::vector<std::pair<std::int64_t, std::filesystem::path>> checkpoints;
  /// Its writes in progress or cut short (`.step_N.partial` directories).
  std::vector<std::filesystem::path> partials;
};

/// Lists `dir`; an error names it when it cannot be read.
result<directory_listing> list_directory(const std::filesystem::path& dir);

/// An `std::errc::bad_message` error: a checkpoint or manifest that is not what was written.
troupe::error bad_checkpoint(std::string message);

} // namespace troupe::actors::detail
