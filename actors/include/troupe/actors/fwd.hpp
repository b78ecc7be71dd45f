/// @file
/// Forward declarations of troupe::actors, the simulation layer.
#pragma once

namespace troupe::actors {

// Output (vti.hpp, png.hpp, csv.hpp).
struct image_geometry;
struct image_field;
class vti_series;
struct rgb;
struct rgb_image;
struct field_png_options;
class csv_series;

// Checkpoints (checkpoint.hpp, checkpoint_writer.hpp, state_bytes.hpp, bulk.hpp).
struct checkpoint_info;
struct part_record;
class checkpoint;
class checkpoint_writer;

} // namespace troupe::actors
