// The curses screen of troupe-top: header, actor table, detail and graph views, keys.
#pragma once

#include <string>

#include "gather.hpp"
#include "options.hpp"

namespace troupe_top {

/// Runs the live view until `q`; returns the exit code.
int run_ui(gatherer& g, const top_options& opts);

} // namespace troupe_top
