/// @file
/// Forward declarations of troupe's numerics types.
#pragma once

namespace troupe::numerics {

enum class errc : int;

class exec;
class random_stream;

struct block_range_1d;
struct block_range_2d;
struct gemm_options;
struct reduce_options;
struct solve_options;
struct stencil5_weights;
struct stencil9_weights;
struct stream_key;
struct tile;

} // namespace troupe::numerics
