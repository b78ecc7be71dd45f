// The node's data for the monitor endpoint: snapshots, per-type totals (live actors plus the
// kept counters of ended ones), worker load from the scheduler, and rates sampled each second.
#include <cstdio>

#include <caf/node_id.hpp>

#include "../internal/monitor.hpp"
#include "../internal/node_state.hpp"
#include "../internal/scheduler.hpp"

#ifndef TROUPE_VERSION
#define TROUPE_VERSION "unknown"
#endif

namespace troupe::detail::monitor {

namespace {

using steady = std::chrono::steady_clock;

class node_source final : public source {
public:
  explicit node_source(node_state& st)
    : st_(st)
    , started_(steady::now())
    , id_(caf::to_string(st.sys->node())) {
    first_ = last_ = take();
  }

  std::optional<sim_status> sim() override {
    return st_.sim.status();
  }

  result<void> steer(const sim_request& r) override {
    return st_.sim.steer(r);
  }

  node_view node() override {
    node_view n;
    n.id = id_;
    n.program = st_.cfg->program;
    n.version = TROUPE_VERSION;
    auto now = take();
    n.uptime_seconds = std::chrono::duration<double>(now.at - started_).count();
    // Rates over the last complete interval, or since the start before there is one.
    auto& from = rated_ ? prev_ : first_;
    auto& to = rated_ ? last_ : now;
    auto span = std::chrono::duration<double>(to.at - from.at).count();
    for (std::size_t i = 0; i < now.busy.size(); ++i) {
      worker_load w;
      w.busy_seconds = now.busy[i];
      if (span > 0 && i < from.busy.size())
        w.busy_ratio = std::clamp((to.busy[i] - from.busy[i]) / span, 0.0, 1.0);
      n.workers.push_back(w);
    }
    n.messages_total = now.messages;
    n.messages_per_second = span > 0 ? static_cast<double>(to.messages - from.messages) / span : 0;
    n.actors = st_.actors.size();
    n.wire = wire_counts(id_);
    // The node's own addresses from the membership's view, not from node_state: the monitor
    // starts before the node records its monitor address and listens, on the main thread.
    std::lock_guard<std::mutex> guard{st_.view_mtx};
    for (auto& m : st_.view) {
      n.members.push_back(member_view{caf::to_string(m.id), m.address.to_string(),
                                      to_string(m.state), m.busy, m.local, m.monitor,
                                      m.rtt_seconds});
      if (m.local && m.address.port != 0)
        n.listening = m.address;
      if (m.local && !m.monitor.empty())
        if (auto ep = parse_endpoint(m.monitor, "monitor"))
          n.monitor = *ep;
    }
    return n;
  }

  troupe::snapshot actors() override {
    return take_snapshot(st_);
  }

  troupe::snapshot actor_keys(unsigned fields) override {
    troupe::snapshot out;
    out.taken = std::chrono::system_clock::now();
    out.actors = read_actors(st_, fields);
    return out;
  }

  std::vector<actor_info> actors_by_id(const std::vector<std::uint64_t>& ids) override {
    return read_actors(st_, ids);
  }

  std::vector<awaits::member_edges> await_graph() override {
    return awaits::gather(st_);
  }

  std::vector<type_view> types() override {
    std::vector<type_view> out;
    auto at = [&](std::string_view type) -> type_view& {
      auto it =
          std::find_if(out.begin(), out.end(), [&](const type_view& t) { return t.type == type; });
      if (it != out.end())
        return *it;
      out.emplace_back().type = std::string{type};
      return out.back();
    };
    std::vector<std::pair<std::string, std::uint64_t>> busy_ticks;
    st_.actors.for_each([&](const actor_record& rec) {
      auto& t = at(type_of(rec));
      ++t.live;
      t.received += rec.received.load(std::memory_order_relaxed);
      t.sent += rec.sent.load(std::memory_order_relaxed);
      auto enq = rec.enqueued.load(std::memory_order_relaxed);
      auto con = rec.consumed.load(std::memory_order_relaxed);
      t.mailbox += enq > con ? enq - con : 0;
      t.busy_seconds += seconds(rec.busy_ticks.load(std::memory_order_relaxed));
      if (auto* m = rec.metrics.load(std::memory_order_acquire)) {
        add(t.processing, m->processing);
        add(t.mailbox_wait, m->mailbox_wait);
      }
    });
    for (auto& e : st_.actors.ended()) {
      auto& t = at(e.type);
      t.ended += e.ended;
      t.received += e.received;
      t.sent += e.sent;
      t.busy_seconds += seconds(e.busy_ticks);
      add(t.processing, e.processing);
      add(t.mailbox_wait, e.mailbox_wait);
    }
    std::sort(out.begin(), out.end(),
              [](const type_view& x, const type_view& y) { return x.type < y.type; });
    return out;
  }

  void sample() override {
    auto now = take();
    if (now.at - last_.at < std::chrono::milliseconds{500})
      return;
    prev_ = std::move(last_);
    last_ = std::move(now);
    rated_ = true;
  }

private:
  struct sample_point {
    steady::time_point at;
    std::vector<double> busy;
    std::uint64_t messages = 0;
  };

  static double seconds(std::uint64_t ticks) {
    return std::chrono::duration<double>(ticks_to_ns(ticks)).count();
  }

  template <class Histogram>
  static void add(histogram_view& to, const Histogram& from) {
    histogram_totals sum;
    sum.add(from);
    for (std::size_t i = 0; i < latency_buckets; ++i)
      to.counts[i] += sum.counts[i];
    to.sum_seconds += seconds(sum.sum_ticks);
  }

  sample_point take() {
    sample_point p;
    p.at = steady::now();
    if (auto* ws = troupe_scheduler(*st_.sys))
      for (std::size_t i = 0; i < ws->num_workers(); ++i)
        p.busy.push_back(std::chrono::duration<double>(ws->busy(i)).count());
    st_.actors.for_each([&](const actor_record& rec) {
      p.messages += rec.received.load(std::memory_order_relaxed);
    });
    for (auto& e : st_.actors.ended())
      p.messages += e.received;
    return p;
  }

  node_state& st_;
  steady::time_point started_;
  std::string id_;
  sample_point first_;
  sample_point prev_;
  sample_point last_;
  bool rated_ = false;
};

} // namespace

std::unique_ptr<source> make_node_source(node_state& st) {
  return std::make_unique<node_source>(st);
}

result<void> start_monitor(node_state& st) {
  auto& opts = st.cfg->monitor;
  if (!opts.address)
    return {};
  auto token = check_options(opts);
  if (!token)
    return token.error();
  auto srv = server::start(opts, std::move(*token), make_node_source(st));
  if (!srv)
    return srv.error();
  st.monitor_address = (*srv)->address();
  st.monitor = std::move(*srv);
  std::fprintf(stderr, "monitor on http://%s\n", st.monitor_address->to_string().c_str());
  std::fflush(stderr);
  return {};
}

void stop_monitor(node_state& st) {
  if (st.monitor)
    st.monitor->stop();
  st.monitor.reset();
}

} // namespace troupe::detail::monitor
