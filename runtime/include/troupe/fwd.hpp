/// @file
/// Forward declarations of troupe's runtime types.
#pragma once

namespace troupe {

class context;
class behavior;
class node;
class node_config;
class error;
struct endpoint;
struct peer;
struct snapshot;
struct actor_info;
struct await_info;
struct spawn_options;
struct kernel_options;

template <class T>
class result;

template <class T>
class task;

} // namespace troupe
