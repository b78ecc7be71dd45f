/// @file
/// Everything of troupe's runtime layer.
#pragma once

#include <troupe/behavior.hpp>
#include <troupe/context.hpp>
#include <troupe/errc.hpp>
#include <troupe/launch.hpp>
#include <troupe/node.hpp>
#include <troupe/node_config.hpp>
#include <troupe/parallel_for.hpp>
#include <troupe/receive.hpp>
#include <troupe/remote.hpp>
#include <troupe/request.hpp>
#include <troupe/result.hpp>
#include <troupe/sleep.hpp>
#include <troupe/snapshot.hpp>
#include <troupe/spawn.hpp>
#include <troupe/task.hpp>
#include <troupe/when_all.hpp>
