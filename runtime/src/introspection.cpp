#include <troupe/snapshot.hpp>

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <thread>

#include <troupe/detail/actor_record.hpp>
#include <troupe/detail/kernel.hpp>
#include <troupe/detail/type_names.hpp>

#include "internal/node_state.hpp"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace troupe {

const char* to_string(await_info::kind k) noexcept {
  switch (k) {
    case await_info::kind::reply:
      return "reply";
    case await_info::kind::receive:
      return "receive";
    case await_info::kind::timer:
      return "timer";
    case await_info::kind::kernel:
      return "kernel";
  }
  return "?";
}

const char* to_string(actor_info::state s) noexcept {
  switch (s) {
    case actor_info::state::running:
      return "running";
    case actor_info::state::idle:
      return "idle";
    case actor_info::state::suspended:
      return "suspended";
  }
  return "?";
}

const actor_info* snapshot::find(std::string_view name) const noexcept {
  auto i = std::find_if(actors.begin(), actors.end(),
                        [name](const actor_info& a) { return a.name == name; });
  return i != actors.end() ? &*i : nullptr;
}

namespace detail {

std::string demangle(const std::type_info& ti) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name{
      abi::__cxa_demangle(ti.name(), nullptr, nullptr, &status), std::free};
  return status == 0 && name ? std::string{name.get()} : std::string{ti.name()};
}

namespace {

#if defined(__x86_64__)
// TSC ticks per nanosecond, calibrated once against steady_clock over a few milliseconds.
double tsc_per_ns() {
  static const double value = [] {
    auto t0 = std::chrono::steady_clock::now();
    auto c0 = __rdtsc();
    auto until = t0 + std::chrono::milliseconds(5);
    while (std::chrono::steady_clock::now() < until) {
    }
    auto c1 = __rdtsc();
    auto t1 = std::chrono::steady_clock::now();
    auto ns = std::chrono::duration<double, std::nano>(t1 - t0).count();
    return static_cast<double>(c1 - c0) / ns;
  }();
  return value;
}
#endif

} // namespace

std::uint64_t ticks() noexcept {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

std::chrono::nanoseconds ticks_to_ns(std::uint64_t t) noexcept {
#if defined(__x86_64__)
  return std::chrono::nanoseconds{static_cast<std::int64_t>(static_cast<double>(t) / tsc_per_ns())};
#else
  return std::chrono::nanoseconds{static_cast<std::int64_t>(t)};
#endif
}

std::chrono::system_clock::time_point ticks_to_wall(std::uint64_t t) noexcept {
  auto now_ticks = ticks();
  auto now = std::chrono::system_clock::now();
  auto ago = now_ticks > t ? ticks_to_ns(now_ticks - t) : std::chrono::nanoseconds{0};
  return now - std::chrono::duration_cast<std::chrono::system_clock::duration>(ago);
}

std::uint8_t registry::this_thread_shard() noexcept {
  static std::atomic<std::uint8_t> next{0};
  thread_local const std::uint8_t mine =
      static_cast<std::uint8_t>(next.fetch_add(1, std::memory_order_relaxed) % shard_count);
  return mine;
}

void registry::add(actor_record& rec) noexcept {
  rec.shard = this_thread_shard();
  auto& sh = shards_[rec.shard];
  std::lock_guard<spinlock> guard{sh.lock};
  rec.prev = nullptr;
  rec.next = sh.head;
  if (sh.head != nullptr)
    sh.head->prev = &rec;
  sh.head = &rec;
  ++sh.count;
}

void registry::remove(actor_record& rec) noexcept {
  {
    auto& sh = shards_[rec.shard];
    std::lock_guard<spinlock> guard{sh.lock};
    if (rec.prev == nullptr && sh.head != &rec)
      return; // removed already (on_exit, then the destructor)
    if (rec.prev != nullptr)
      rec.prev->next = rec.next;
    else
      sh.head = rec.next;
    if (rec.next != nullptr)
      rec.next->prev = rec.prev;
    rec.prev = rec.next = nullptr;
    --sh.count;
  }
  if (watched_.load(std::memory_order_seq_cst))
    count_removal();
}

std::vector<caf::actor_addr> registry::addresses() const {
  std::vector<caf::actor_addr> out;
  for_each([&](const actor_record& r) {
    // A weak handle: valid while the record is linked, and it never revives a dying actor.
    out.push_back(caf::actor_cast<caf::actor_addr>(r.actor));
  });
  return out;
}

std::size_t registry::size() const noexcept {
  std::size_t n = 0;
  for (auto& sh : shards_) {
    std::lock_guard<spinlock> guard{sh.lock};
    n += sh.count;
  }
  return n;
}

/// Reads one record into an `actor_info`.
actor_info read_record(const actor_record& rec) {
  actor_info out;
  out.id = rec.id;
  auto given = [&](std::string spawn_options::*field) -> const std::string* {
    return rec.given != nullptr && !((*rec.given).*field).empty() ? &((*rec.given).*field)
                                                                  : nullptr;
  };
  auto* name = given(&spawn_options::name);
  auto* type = given(&spawn_options::type);
  out.name = name != nullptr ? *name : "actor-" + std::to_string(rec.id);
  out.type = type != nullptr ? *type : std::string{rec.kind};
  out.parent = rec.parent;
  out.spawned = ticks_to_wall(rec.spawned);
  auto consumed = rec.consumed.load(std::memory_order_relaxed);
  auto enqueued = rec.enqueued.load(std::memory_order_relaxed);
  out.received = rec.received.load(std::memory_order_relaxed);
  out.mailbox_depth = enqueued > consumed ? enqueued - consumed : 0;
  out.stashed = rec.stashed.load(std::memory_order_relaxed);
  out.dropped = rec.dropped.load(std::memory_order_relaxed);
  out.sent = rec.sent.load(std::memory_order_relaxed);
  out.busy = ticks_to_ns(rec.busy_ticks.load(std::memory_order_relaxed));
  if (rec.introspect) {
    // Without introspection the actor changes `awaits` without the lock: not readable here.
    std::lock_guard<spinlock> guard{rec.lock};
    for (auto& a : rec.awaits) {
      if (!a.frame)
        continue; // resumed, its awaiter is collecting the result
      await_info info;
      info.what = a.desc.what;
      info.peer = a.desc.peer;
      if (a.desc.types != nullptr)
        info.types = *a.desc.types;
      info.since = ticks_to_wall(a.since);
      if (a.desc.timeout != std::chrono::nanoseconds::max())
        info.until = info.since + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                      a.desc.timeout);
      if (a.desc.kernel) {
        info.kernel = a.desc.kernel->name();
        info.chunks_done = a.desc.kernel->chunks_done();
        info.chunks_total = a.desc.kernel->chunks();
      }
      out.awaits.push_back(std::move(info));
    }
  }
  if (rec.inside.load(std::memory_order_relaxed) != std::thread::id{})
    out.current = actor_info::state::running;
  else
    out.current = out.awaits.empty() ? actor_info::state::idle : actor_info::state::suspended;
  return out;
}

} // namespace detail

} // namespace troupe
