// The registry of live troupe actors: sharded intrusive lists, one spinlock per shard, so that
// spawns and exits on different workers rarely contend.
#include "internal/node_state.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/actor_cast.hpp>

namespace troupe::detail {

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

namespace {

void retire(std::vector<ended_totals>& totals, const actor_record& rec) {
  auto type = type_of(rec);
  auto it = std::find_if(totals.begin(), totals.end(),
                         [&](const ended_totals& t) { return t.type == type; });
  if (it == totals.end()) {
    ended_totals fresh;
    fresh.type = std::string{type};
    it = totals.insert(totals.end(), std::move(fresh));
  }
  ++it->ended;
  it->received += rec.received.load(std::memory_order_relaxed);
  it->sent += rec.sent.load(std::memory_order_relaxed);
  it->busy_ticks += rec.busy_ticks.load(std::memory_order_relaxed);
  if (auto* m = rec.metrics.load(std::memory_order_acquire)) {
    it->processing.add(m->processing);
    it->mailbox_wait.add(m->mailbox_wait);
  }
}

} // namespace

std::string_view type_of(const actor_record& rec) noexcept {
  if (rec.given != nullptr && !rec.given->type.empty())
    return rec.given->type;
  return rec.kind;
}

std::vector<ended_totals> registry::ended() const {
  std::vector<ended_totals> out;
  for (auto& sh : shards_) {
    std::lock_guard<spinlock> guard{sh.lock};
    for (auto& t : sh.ended) {
      auto it = std::find_if(out.begin(), out.end(),
                             [&](const ended_totals& o) { return o.type == t.type; });
      if (it == out.end()) {
        out.push_back(t);
        continue;
      }
      it->ended += t.ended;
      it->received += t.received;
      it->sent += t.sent;
      it->busy_ticks += t.busy_ticks;
      it->processing.add(t.processing);
      it->mailbox_wait.add(t.mailbox_wait);
    }
  }
  return out;
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
    retire(sh.ended, rec);
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

// Removal events: shutdown waits on them (node_shutdown.cpp).

void registry::watch() noexcept {
  watched_.store(true, std::memory_order_seq_cst);
}

// Called by remove after it unlinked a record, when watched. The seq_cst flag pairs with the
// shard locks: if a remove reads the flag as unset, the watcher's scan after setting it took
// that shard's lock after the unlink, so it sees the record gone; no removal goes unseen.
void registry::count_removal() noexcept {
  {
    std::lock_guard<std::mutex> guard{removal_mtx_};
    ++removals_;
  }
  removed_.notify_all();
}

std::uint64_t registry::removals() const {
  std::lock_guard<std::mutex> guard{removal_mtx_};
  return removals_;
}

std::uint64_t registry::wait_for_removal(std::uint64_t seen,
                                         std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock{removal_mtx_};
  removed_.wait_until(lock, deadline, [&] { return removals_ != seen; });
  return removals_;
}

} // namespace troupe::detail
