// The monitor's simulation routes: `GET /api/v1/sim` shows the node's sim_board, and
// `POST /api/v1/sim/pause`, `resume`, `stop` and `params` steer the simulation (the router lets
// them through only with --monitor-allow-control).
#include <cmath>

#include <boost/json.hpp>

#include "../internal/monitor.hpp"

namespace troupe::detail::monitor {

namespace json = boost::json;

namespace {

json::value optional_number(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? json::value(*v) : json::value(nullptr);
}

std::string sim_json(const sim_status& s) {
  json::object o;
  o["label"] = s.label;
  o["step"] = s.step;
  o["total"] = s.total;
  o["first"] = s.first;
  o["steps_per_second"] = std::isfinite(s.steps_per_second) ? s.steps_per_second : 0.0;
  o["eta_seconds"] = optional_number(s.eta_seconds);
  o["paused"] = s.paused;
  o["done"] = s.done;
  o["state"] = s.done ? "done" : s.paused ? "paused" : "running";
  json::object params;
  for (auto& [name, value] : s.parameters)
    params[name] = value;
  o["parameters"] = std::move(params);
  if (s.last_checkpoint.empty()) {
    o["last_checkpoint"] = nullptr;
  } else {
    json::object cp;
    cp["path"] = s.last_checkpoint;
    cp["step"] = s.last_checkpoint_step;
    cp["seconds"] = s.last_checkpoint_seconds;
    o["last_checkpoint"] = std::move(cp);
  }
  return json::serialize(o);
}

// An error of the simulation's as an HTTP answer: no simulation (404), else a refused request
// (400: an unknown parameter, a value out of range).
response refused(const error& e, std::string_view parameter = {}) {
  return error_response(e == errc::no_simulation ? 404 : 400, e.message(), parameter);
}

} // namespace

response sim_response(source& src) {
  auto s = src.sim();
  if (!s)
    return error_response(404, "no simulation runs on this node; ask the node that drives the "
                               "run (under troupe-run, rank 0)");
  return json_text_response(200, sim_json(*s));
}

response steer_response(source& src, std::string_view what, std::string_view body) {
  auto accepted = [&](std::string text) {
    json::object o;
    o["status"] = std::move(text);
    return json_text_response(202, json::serialize(o));
  };
  if (what == "pause" || what == "resume" || what == "stop") {
    auto kind = what == "pause"    ? sim_request::kind::pause
                : what == "resume" ? sim_request::kind::resume
                                   : sim_request::kind::stop;
    if (auto ok = src.steer({kind, {}, 0}); !ok)
      return refused(ok.error());
    return accepted(std::string{what} + " requested: applied at the next step boundary");
  }
  // params: a JSON object of parameter names and numbers, e.g. {"alpha": 0.5}.
  json::error_code ec;
  auto parsed = json::parse(json::string_view{body.data(), body.size()}, ec);
  if (ec || !parsed.is_object() || parsed.as_object().empty())
    return error_response(400, "POST /api/v1/sim/params takes a JSON object of parameter names "
                               "and numbers, e.g. {\"alpha\": 0.5}");
  std::vector<std::pair<std::string, double>> changes;
  for (auto& [name, value] : parsed.as_object()) {
    if (!value.is_number())
      return error_response(400, "parameter '" + std::string{name} + "' needs a number",
                            std::string_view{name.data(), name.size()});
    auto v = value.to_number<double>();
    if (!std::isfinite(v))
      return error_response(400, "parameter '" + std::string{name} + "' needs a finite number",
                            std::string_view{name.data(), name.size()});
    changes.emplace_back(std::string{name}, v);
  }
  std::string names;
  for (auto& [name, value] : changes) {
    if (auto ok = src.steer({sim_request::kind::set, name, value}); !ok)
      return refused(ok.error(), name);
    names += (names.empty() ? "" : ", ") + name;
  }
  return accepted("set " + names + ": applied at the next step boundary");
}

} // namespace troupe::detail::monitor
