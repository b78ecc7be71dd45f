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

  // The sample name for the next samples of a family (a histogram's `_bucket`, `_sum`, ...).
  void rename(std::string name) {
    name_ = std::move(name);
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

// The bucket bounds of `histogram_view`, as Prometheus clients print them.
constexpr const char* bucket_le[detail::latency_buckets] = {"1e-06", "1e-05", "0.0001", "0.001",
                                                            "0.01",  "0.1",   "1",      "+Inf"};

// A histogram family per actor type: cumulative `_bucket`s, `_sum` and `_count`.
void histogram(writer& w, std::string_view name, std::string_view help,
               const std::vector<type_view>& types, histogram_view type_view::*which) {
  std::string base{name};
  w.family(base, "histogram", help, "seconds");
  for (auto& t : types) {
    auto& h = t.*which;
    auto type = label("type", t.type);
    std::uint64_t cumulative = 0;
    w.rename(base + "_bucket");
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
      cumulative += h.counts[i];
      w.sample(type + "," + label("le", bucket_le[i]), static_cast<double>(cumulative));
    }
    w.rename(base + "_sum");
    w.sample(type, h.sum_seconds);
    w.rename(base + "_count");
    w.sample(type, static_cast<double>(cumulative));
  }
}

// Messages and bytes between nodes, per peer: the member's address when it is one (as the
// heartbeat gauge names it), else CAF's node id. A family only when some peer was talked to.
void wire_families(writer& w, const node_view& n) {
  if (n.wire.empty())
    return;
  auto peer_of = [&](const wire_view& v) {
    for (auto& m : n.members)
      if (m.id == v.peer && !m.address.empty())
        return label("peer", m.address);
    return label("peer", v.peer);
  };
  auto family = [&](std::string_view name, std::string_view help, std::string_view unit,
                    std::uint64_t wire_view::*field) {
    w.family(name, "counter", help, unit);
    for (auto& v : n.wire)
      w.sample(peer_of(v), static_cast<double>(v.*field));
  };
  family("troupe_remote_messages_sent_total", "Messages sent to actors of a peer node.", {},
         &wire_view::messages_sent);
  family("troupe_remote_messages_received_total", "Messages received from actors of a peer node.",
         {}, &wire_view::messages_received);
  family("troupe_network_sent_bytes_total",
         "BASP bytes (headers and payloads, before TLS) written to a peer node's connection; "
         "heartbeats not included.",
         "bytes", &wire_view::bytes_sent);
  family("troupe_network_received_bytes_total",
         "BASP bytes (headers and payloads, before TLS) read from a peer node's connection.",
         "bytes", &wire_view::bytes_received);
}

void sim_families(writer& w, const sim_status& s) {
  auto sim = label("sim", s.label);
  w.family("troupe_sim_step", "gauge",
           "Steps the simulation has done (a restart counts those before it).");
  w.sample(sim, static_cast<double>(s.step));
  w.family("troupe_sim_steps", "gauge", "Steps the simulation is to do in all.");
  w.sample(sim, static_cast<double>(s.total));
  w.family("troupe_sim_steps_per_second", "gauge",
           "The simulation's step rate over this run so far.");
  w.sample(sim, s.steps_per_second);
  w.family("troupe_sim_paused", "gauge",
           "1 while the simulation is held at a step boundary, else 0.");
  w.sample(sim, s.paused ? 1 : 0);
  w.family("troupe_sim_done", "gauge", "1 once the simulation ended, else 0.");
  w.sample(sim, s.done ? 1 : 0);
  if (s.last_checkpoint.empty())
    return;
  w.family("troupe_checkpoint_step", "gauge", "The step of the newest checkpoint written.");
  w.sample(sim, static_cast<double>(s.last_checkpoint_step));
  w.family("troupe_checkpoint_duration_seconds", "gauge",
           "How long the newest checkpoint's write took, from its step boundary to its files in "
           "place.",
           "seconds");
  w.sample(sim, s.last_checkpoint_seconds);
}

} // namespace

std::string metrics_text(const node_view& n, const std::vector<type_view>& types,
                         const std::optional<sim_status>& sim, bool openmetrics) {
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
  // One family with a sample per actor type: `value(t)` of each.
  auto per_type = [&](std::string_view name, std::string_view kind, std::string_view help,
                      auto value, std::string_view unit = {}) {
    w.family(name, kind, help, unit);
    for (auto& t : types)
      w.sample(label("type", t.type), static_cast<double>(value(t)));
  };
  per_type("troupe_actors", "gauge", "Live troupe actors, per actor type.",
           [](const type_view& t) { return t.live; });
  per_type("troupe_actors_ended_total", "counter", "Troupe actors that ended, per actor type.",
           [](const type_view& t) { return t.ended; });
  per_type("troupe_messages_received_total", "counter",
           "Messages delivered to a handler or a receive, per actor type.",
           [](const type_view& t) { return t.received; });
  per_type("troupe_messages_sent_total", "counter",
           "Messages sent through troupe's API, and replies, per actor type.",
           [](const type_view& t) { return t.sent; });
  per_type("troupe_mailbox_messages", "gauge",
           "Messages waiting in the mailboxes of live actors, per actor type.",
           [](const type_view& t) { return t.mailbox; });
  per_type(
      "troupe_actor_busy_seconds_total", "counter",
      "Time actors spent handling messages and running coroutines, per actor type.",
      [](const type_view& t) { return t.busy_seconds; }, "seconds");
  histogram(w, "troupe_message_processing_seconds",
            "Time a message took to handle (its handler, or the coroutine it resumed), per actor "
            "type.",
            types, &type_view::processing);
  histogram(w, "troupe_mailbox_wait_seconds",
            "Time a message waited in its actor's mailbox, per actor type; sampled: one message "
            "in 64 per actor, the first included.",
            types, &type_view::mailbox_wait);
  w.family("troupe_heartbeat_rtt_seconds", "gauge",
           "Round trip of this node's last answered heartbeat ping to a member (every 500 ms).",
           "seconds");
  for (auto& m : n.members)
    if (!m.local && m.rtt_seconds > 0 && (m.state == "up" || m.state == "suspect"))
      w.sample(label("peer", m.address), m.rtt_seconds);
  wire_families(w, n);
  if (sim)
    sim_families(w, *sim);
  return w.done();
}

} // namespace troupe::detail::monitor
