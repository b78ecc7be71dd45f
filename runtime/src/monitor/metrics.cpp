// /metrics: Prometheus text format 0.0.4, or OpenMetrics 1.0 text when asked for. Every series
// is per node, per actor type or per worker: never a label per actor id.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "../internal/monitor.hpp"

namespace troupe::detail::monitor {

namespace {

std::string escaped(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v))
    return "NaN";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Writes metric families in either format. A counter's family is named without `_total` in
// OpenMetrics (its sample keeps it); units are declared there with `# UNIT`.
class writer {
public:
  explicit writer(bool openmetrics)
    : om_(openmetrics) {
  }

  // `name` is the sample name; `unit` is given when the name ends in it (before `_total`).
  void family(std::string_view name, std::string_view type, std::string_view help,
              std::string_view unit = {}) {
    name_ = std::string{name};
    std::string fam = name_;
    if (om_ && type == "counter" && fam.ends_with("_total"))
      fam.resize(fam.size() - 6);
    if (om_ && type == "gauge" && name_.ends_with("_info")) {
      fam.resize(fam.size() - 5);
      type = "info";
    }
    out_ << "# TYPE " << fam << ' ' << type << '\n';
    if (om_ && !unit.empty())
      out_ << "# UNIT " << fam << ' ' << unit << '\n';
    out_ << "# HELP " << fam << ' ' << help << '\n';
  }

  void sample(std::string_view labels, double value) {
    out_ << name_;
    if (!labels.empty())
      out_ << '{' << labels << '}';
    out_ << ' ' << number(value) << '\n';
  }

  std::string done() {
    if (om_)
      out_ << "# EOF\n";
    return out_.str();
  }

private:
  bool om_;
  std::string name_;
  std::ostringstream out_;
};

std::string label(std::string_view key, std::string_view value) {
  return std::string{key} + "=\"" + escaped(value) + "\"";
}

} // namespace

std::string metrics_text(const node_view& n, const std::vector<type_view>& types,
                         bool openmetrics) {
  writer w{openmetrics};
  w.family("troupe_build_info", "gauge", "The program and troupe version of this node.");
  w.sample(label("program", n.program) + "," + label("version", n.version) + "," +
               label("node", n.id),
           1);
  w.family("troupe_uptime_seconds", "gauge", "Time since the node started.", "seconds");
  w.sample({}, n.uptime_seconds);
  w.family("troupe_workers", "gauge", "Worker threads of the node's pool.");
  w.sample({}, static_cast<double>(n.workers.size()));
  w.family("troupe_worker_busy_ratio", "gauge",
           "Share of the last sampling interval (about 1 s) a worker spent running jobs.");
  for (std::size_t i = 0; i < n.workers.size(); ++i)
    w.sample(label("worker", std::to_string(i)), n.workers[i].busy_ratio);
  w.family("troupe_worker_busy_seconds_total", "counter",
           "Time a worker spent running jobs (actors and kernel chunks), not waiting for one.",
           "seconds");
  for (std::size_t i = 0; i < n.workers.size(); ++i)
    w.sample(label("worker", std::to_string(i)), n.workers[i].busy_seconds);
  w.family("troupe_actors", "gauge", "Live troupe actors, per actor type.");
  for (auto& t : types)
    w.sample(label("type", t.type), static_cast<double>(t.live));
  w.family("troupe_actors_ended_total", "counter", "Troupe actors that ended, per actor type.");
  for (auto& t : types)
    w.sample(label("type", t.type), static_cast<double>(t.ended));
  w.family("troupe_messages_received_total", "counter",
           "Messages delivered to a handler or a receive, per actor type.");
  for (auto& t : types)
    w.sample(label("type", t.type), static_cast<double>(t.received));
  w.family("troupe_messages_sent_total", "counter",
           "Messages sent through troupe's API, and replies, per actor type.");
  for (auto& t : types)
    w.sample(label("type", t.type), static_cast<double>(t.sent));
  w.family("troupe_mailbox_messages", "gauge",
           "Messages waiting in the mailboxes of live actors, per actor type.");
  for (auto& t : types)
    w.sample(label("type", t.type), static_cast<double>(t.mailbox));
  w.family("troupe_actor_busy_seconds_total", "counter",
           "Time actors spent handling messages and running coroutines, per actor type.",
           "seconds");
  for (auto& t : types)
    w.sample(label("type", t.type), t.busy_seconds);
  return w.done();
}

} // namespace troupe::detail::monitor
