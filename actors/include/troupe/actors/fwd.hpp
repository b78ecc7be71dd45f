/// @file
/// Forward declarations of troupe::actors, the simulation layer.
#pragma once

namespace troupe::actors {} // namespace troupe::actors
