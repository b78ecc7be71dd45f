#include <troupe/snapshot.hpp>

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <thread>

#include <troupe/detail/actor_record.hpp>
#include <troupe/detail/kernel.hpp>
#include <troupe/detail/type_names.hpp>

#include "internal/node_state.hpp"
#include "internal/snapshot_pass.hpp"

namespace troupe {

namespace detail {

std::string demangle(const std::type_info& ti) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name{
      abi::__cxa_demangle(ti.name(), nullptr, nullptr, &status), std::free};
  return status == 0 && name ? std::string{name.get()} : std::string{ti.name()};
}

namespace {

using sys_clock = std::chrono::system_clock;

// The wall-clock time of a tick reading, from one reading of both clocks per process: an actor
// reads the same in every snapshot (a page and the actor's own route agree to the nanosecond),
// and a snapshot reads no clock per actor.
sys_clock::time_point wall_of(std::uint64_t t) noexcept {
  static const auto anchor_ticks = ticks();
  static const auto anchor_wall = sys_clock::now();
  auto since = t >= anchor_ticks ? ticks_to_ns(t - anchor_ticks) : -ticks_to_ns(anchor_ticks - t);
  return anchor_wall + std::chrono::duration_cast<sys_clock::duration>(since);
}

void copy_awaits(const actor_record& rec, actor_info& out) {
  if (!rec.introspect)
    return; // without introspection the actor changes `awaits` without the lock
  std::lock_guard<spinlock> guard{rec.lock};
  for (auto& a : rec.awaits) {
    if (!a.frame)
      continue; // resumed, its awaiter is collecting the result
    await_info info;
    info.what = a.desc.what;
    info.peer = a.desc.peer;
    if (a.desc.peer_node)
      info.peer_node = caf::to_string(a.desc.peer_node); // an address by name_peer_nodes
    if (a.desc.types != nullptr)
      info.types = *a.desc.types;
    info.since = wall_of(a.since);
    if (a.desc.timeout != std::chrono::nanoseconds::max())
      info.until = info.since + std::chrono::duration_cast<sys_clock::duration>(a.desc.timeout);
    for (std::uint32_t i = 0; i < a.desc.sender_count; ++i)
      if (auto& who = a.desc.senders[i]) // its node named by name_peer_nodes
        info.senders.push_back({who.id(), caf::to_string(who.node())});
    if (a.desc.expecting != nullptr && !info.senders.empty())
      info.expecting = a.desc.expecting;
    if (a.desc.kernel) {
      info.kernel = a.desc.kernel->name();
      info.chunks_done = a.desc.kernel->chunks_done();
      info.chunks_total = a.desc.kernel->chunks();
    }
    out.awaits.push_back(std::move(info));
  }
}

} // namespace

actor_info read_record(const actor_record& rec, unsigned fields) {
  actor_info out;
  out.id = rec.id;
  if ((fields & read_text) != 0) {
    // The spawn options are an allocation of their own: a pass that needs no text skips a
    // cache miss per actor here.
    auto* given = rec.given.get();
    out.name =
        given != nullptr && !given->name.empty() ? given->name : "actor-" + std::to_string(rec.id);
    out.type = std::string{type_of(rec)};
  }
  if ((fields & read_counters) != 0) {
    out.parent = rec.parent;
    out.spawned = wall_of(rec.spawned);
    auto consumed = rec.consumed.load(std::memory_order_relaxed);
    auto enqueued = rec.enqueued.load(std::memory_order_relaxed);
    out.received = rec.received.load(std::memory_order_relaxed);
    out.mailbox_depth = enqueued > consumed ? enqueued - consumed : 0;
    out.stashed = rec.stashed.load(std::memory_order_relaxed);
    out.dropped = rec.dropped.load(std::memory_order_relaxed);
    out.sent = rec.sent.load(std::memory_order_relaxed);
    out.busy = ticks_to_ns(rec.busy_ticks.load(std::memory_order_relaxed));
  }
  if ((fields & read_awaits) != 0) {
    copy_awaits(rec, out);
    if (rec.inside.load(std::memory_order_relaxed) != std::thread::id{})
      out.current = actor_info::state::running;
    else
      out.current = out.awaits.empty() ? actor_info::state::idle : actor_info::state::suspended;
  }
  return out;
}

actor_info read_record(const actor_record& rec) {
  return read_record(rec, read_all);
}

std::vector<actor_info> read_actors(const node_state& st, unsigned fields) {
  std::vector<actor_info> out;
  out.reserve(st.actors.size());
  st.actors.for_each([&](const actor_record& rec) { out.push_back(read_record(rec, fields)); });
  return out;
}

std::vector<actor_info> read_actors(const node_state& st, const std::vector<std::uint64_t>& ids) {
  troupe::snapshot snap;
  if (ids.empty())
    return {};
  st.actors.for_each([&](const actor_record& rec) {
    if (std::binary_search(ids.begin(), ids.end(), rec.id))
      snap.actors.push_back(read_record(rec, read_all));
  });
  std::sort(snap.actors.begin(), snap.actors.end(),
            [](const actor_info& x, const actor_info& y) { return x.id < y.id; });
  name_peer_nodes(snap, st);
  return std::move(snap.actors);
}

troupe::snapshot take_snapshot(const node_state& st) {
  troupe::snapshot out;
  out.taken = std::chrono::system_clock::now();
  out.actors = read_actors(st, read_all);
  std::sort(out.actors.begin(), out.actors.end(),
            [](const actor_info& x, const actor_info& y) { return x.id < y.id; });
  name_peer_nodes(out, st);
  return out;
}

std::string node_label(const node_state& st) {
  std::lock_guard<std::mutex> guard{st.view_mtx};
  for (auto& m : st.view)
    if (m.local && m.address.port != 0)
      return m.address.to_string();
  return caf::to_string(st.node_id());
}

void name_peer_nodes(troupe::snapshot& snap, const node_state& st) {
  std::map<std::string, std::string, std::less<>> address;
  std::string here;
  for (auto& a : snap.actors)
    for (auto& w : a.awaits) {
      if (!w.peer_node.empty())
        address.emplace(w.peer_node, w.peer_node);
      if (w.senders.empty())
        continue;
      if (here.empty())
        here = caf::to_string(st.node_id());
      for (auto& s : w.senders)
        if (s.node == here)
          s.node.clear();
        else
          address.emplace(s.node, s.node);
    }
  if (address.empty())
    return; // no await on another node: the common case, and no lock taken
  {
    std::lock_guard<std::mutex> guard{st.view_mtx};
    for (auto& m : st.view)
      if (auto it = address.find(caf::to_string(m.id)); it != address.end() && m.address.port != 0)
        it->second = m.address.to_string();
  }
  for (auto& a : snap.actors)
    for (auto& w : a.awaits) {
      if (!w.peer_node.empty())
        w.peer_node = address.at(w.peer_node);
      for (auto& s : w.senders)
        if (!s.node.empty())
          s.node = address.at(s.node);
    }
}

} // namespace detail

} // namespace troupe
