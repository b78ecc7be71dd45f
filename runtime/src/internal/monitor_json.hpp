// Internal: the JSON pieces that the monitor's routes share (monitor/json.cpp).
#pragma once

#include <chrono>

#include <boost/json.hpp>

#include "monitor.hpp"

namespace troupe::detail::monitor {

/// One await as `/api/v1/actors` shows it, its waiting time counted to `now`.
boost::json::object await_json(const await_info& a, std::chrono::system_clock::time_point now);

/// One actor as `/api/v1/actors` shows it.
boost::json::object actor_json(const actor_info& a, std::chrono::system_clock::time_point now);

/// A 200 response with `v` serialised.
response json_response(const boost::json::value& v);

} // namespace troupe::detail::monitor
