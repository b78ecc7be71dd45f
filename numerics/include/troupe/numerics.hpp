/// @file
/// Everything of troupe's numerics layer.
#pragma once

#include <troupe/numerics/blocks.hpp>
#include <troupe/numerics/errc.hpp>
#include <troupe/numerics/exec.hpp>
#include <troupe/numerics/fft.hpp>
#include <troupe/numerics/fwd.hpp>
#include <troupe/numerics/gemm.hpp>
#include <troupe/numerics/parallel_reduce.hpp>
#include <troupe/numerics/random.hpp>
#include <troupe/numerics/solve.hpp>
#include <troupe/numerics/special.hpp>
#include <troupe/numerics/stencil.hpp>
#include <troupe/numerics/vector.hpp>
