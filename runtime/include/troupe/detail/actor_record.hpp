/// @file
/// Per-actor bookkeeping: the pending-await table and the counters that `node::snapshot()`
/// reads from other threads.
#pragma once

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/message.hpp>
#include <caf/message_id.hpp>
#include <caf/node_id.hpp>
#include <caf/type_erased_tuple.hpp>

#include <troupe/snapshot.hpp>
#include <troupe/spawn_options.hpp>

namespace troupe::detail {

class kernel_state;

/// A test-and-test-and-set lock; held for a few instructions by the actor and by snapshots.
class spinlock {
public:
  void lock() noexcept {
    while (flag_.exchange(true, std::memory_order_acquire))
      while (flag_.load(std::memory_order_relaxed))
        std::this_thread::yield();
  }

  void unlock() noexcept {
    flag_.store(false, std::memory_order_release);
  }

private:
  std::atomic<bool> flag_{false};
};

/// What an awaiter tells introspection about the await it starts.
struct await_desc {
  await_info::kind what = await_info::kind::reply;
  /// The awaited actor (`reply`).
  std::uint64_t peer = 0;
  /// The awaited actor's node when it is another node (`reply`); empty for a local actor, so
  /// that local requests touch no reference count.
  caf::node_id peer_node{};
  /// The awaited element types (`receive`); points at a string that lives forever.
  const std::string* types = nullptr;
  /// The deadline, if any (`timer`, `receive` and `reply` with a timeout).
  std::chrono::nanoseconds timeout = std::chrono::nanoseconds::max();
  /// The kernel (`kernel`): its name and chunk counters are read live.
  std::shared_ptr<const kernel_state> kernel{};
  /// The actors a receive expects its message from, `sender_count` of them (`receive`): the
  /// awaiter's own or its caller's, alive and unchanged while it waits; and why ("halo",
  /// "collective", "receive"), a string that lives forever.
  const caf::actor* senders = nullptr;
  std::uint32_t sender_count = 0;
  const char* expecting = nullptr;
};

/// How a receive recognises its message: the signature of its element types (the stash's
/// index, see `signature_of`) and a test of a message's elements (types, atom values, the
/// user's predicate with `arg`).
struct receive_match {
  std::size_t signature = 0;
  bool (*test)(const caf::type_erased_tuple& elements, const void* arg) = nullptr;
  const void* arg = nullptr;
};

/// One suspended await, addressed by a token that stays unique for the actor's life, so that a
/// late timer or reply for a finished await is recognised and ignored.
struct pending_await {
  std::uint64_t token = 0;
  std::coroutine_handle<> frame;
  /// For receives: which message it takes (owned by the awaiter, alive while it waits).
  const receive_match* match = nullptr;
  /// What a completion (a kernel's last chunk) must name besides the token.
  const void* key = nullptr;
  /// The response id the await's timer fires with, when it has a timer.
  caf::message_id timer{};
  bool has_timer = false;
  caf::message payload;
  /// For receives: the matched mailbox element's content, valid while the frame runs, which
  /// it does at once from the match (the values are moved out, never copied).
  caf::type_erased_tuple* matched = nullptr;
  caf::error failure;
  bool timed_out = false;
  await_desc desc;
  /// When the await began, in `ticks()` (introspection only); its deadline is `desc.timeout`
  /// later.
  std::uint64_t since = 0;
};

/// The upper bounds of a latency histogram's buckets: 1 µs to 1 s by decades, then +Inf.
inline constexpr std::size_t latency_buckets = 8;

/// Counts of durations per bucket (see `latency_buckets`) and their sum, in `ticks()`; written
/// by the actor's thread only, read by the monitor.
struct latency_histogram {
  std::atomic<std::uint64_t> counts[latency_buckets] = {};
  std::atomic<std::uint64_t> sum_ticks{0};
};

/// A latency histogram's counts added up (over actors of a type, ended ones included).
struct histogram_totals {
  std::uint64_t counts[latency_buckets] = {};
  std::uint64_t sum_ticks = 0;

  void add(const latency_histogram& h) noexcept {
    for (std::size_t i = 0; i < latency_buckets; ++i)
      counts[i] += h.counts[i].load(std::memory_order_relaxed);
    sum_ticks += h.sum_ticks.load(std::memory_order_relaxed);
  }

  void add(const histogram_totals& h) noexcept {
    for (std::size_t i = 0; i < latency_buckets; ++i)
      counts[i] += h.counts[i];
    sum_ticks += h.sum_ticks;
  }
};

/// One message in this many (per actor, the first included) has its mailbox wait measured:
/// the stamp at enqueue is what a message's cheap path would otherwise not pay.
inline constexpr std::uint64_t wait_sample_every = 64;

/// An actor's latency histograms and its mailbox wait sample.
struct actor_metrics {
  /// How long each message took to handle, and how long sampled messages waited in the mailbox.
  latency_histogram processing;
  latency_histogram mailbox_wait;
  /// The sampled message in the mailbox now (its address, compared, never read), when it was
  /// enqueued and as which message (`enqueued`'s count then).
  std::atomic<const void*> wait_sample{nullptr};
  std::atomic<std::uint64_t> wait_sample_at{0};
  std::atomic<std::uint64_t> wait_sample_seq{0};
};

/// Identity, counters and pending awaits of one troupe actor, embedded in the actor.
///
/// Counters are written by the actor's thread (and `enqueued` by senders) and read by
/// snapshots; `awaits` changes only on the actor's thread, under `lock` when introspection is
/// on so that a snapshot can copy it.
struct actor_record {
  std::uint64_t id = 0;
  /// "coroutine" or "behavior".
  const char* kind = "";
  /// The name and type given at spawn, if any (most actors have none and pay one pointer):
  /// snapshots show "actor-<id>" and the kind otherwise.
  std::unique_ptr<const spawn_options> given;
  std::uint64_t parent = 0;
  /// When the actor was constructed, in `ticks()`.
  std::uint64_t spawned = 0;
  /// Whether `awaits` is kept under `lock` for snapshots (the node's introspection switch).
  bool introspect = true;
  /// The node registry's list that holds this record.
  std::uint8_t shard = 0;

  std::atomic<std::uint64_t> enqueued{0};
  /// Messages taken out of CAF's mailbox (handled, stashed, or troupe's own completions).
  std::atomic<std::uint64_t> consumed{0};
  /// Messages delivered to a handler or a receive.
  std::atomic<std::uint64_t> received{0};
  /// Messages kept for a later receive now, and those dropped because the stash was full.
  std::atomic<std::uint64_t> stashed{0};
  std::atomic<std::uint64_t> dropped{0};
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> busy_ticks{0};
  /// The latency histograms, made at the first message (an idle actor pays one pointer).
  std::atomic<actor_metrics*> metrics{nullptr};
  /// The thread inside the actor, or none: the reentrancy check of Decision 3, and whether
  /// the actor is running for snapshots.
  std::atomic<std::thread::id> inside{};

  mutable spinlock lock;
  std::vector<pending_await> awaits;

  // Links of the node's registry (guarded by the registry's shard lock).
  actor_record* prev = nullptr;
  actor_record* next = nullptr;
  caf::abstract_actor* actor = nullptr;

  actor_record() = default;
  actor_record(const actor_record&) = delete;
  actor_record& operator=(const actor_record&) = delete;
  ~actor_record() {
    // An actor may be destroyed inside its last message (CAF keeps its memory until its
    // weak references go): the message's end then finds no histograms to write to.
    delete metrics.exchange(nullptr, std::memory_order_acq_rel);
  }
};

/// Holds the record's lock when introspection is on (snapshots read `awaits` under it); without
/// introspection only the actor touches `awaits`, and nothing is locked.
class introspection_lock {
public:
  explicit introspection_lock(const actor_record& rec) noexcept
    : lock_(rec.introspect ? &rec.lock : nullptr) {
    if (lock_ != nullptr)
      lock_->lock();
  }

  ~introspection_lock() {
    if (lock_ != nullptr)
      lock_->unlock();
  }

  introspection_lock(const introspection_lock&) = delete;
  introspection_lock& operator=(const introspection_lock&) = delete;

private:
  spinlock* lock_;
};

/// Adds to a counter that only its actor writes: a plain load and store, no locked RMW.
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

/// Cheap timestamps for busy time: TSC ticks on x86-64, steady_clock nanoseconds elsewhere.
std::uint64_t ticks() noexcept;

/// The finite bucket bounds of a latency histogram (1 µs … 1 s) in `ticks()`.
const std::uint64_t* latency_bounds() noexcept;

/// Adds a duration of `t` ticks to `h` (only the actor that owns `h` calls it).
inline void observe(latency_histogram& h, std::uint64_t t) noexcept {
  const auto* bound = latency_bounds();
  std::size_t i = 0;
  while (i < latency_buckets - 1 && t > bound[i])
    ++i;
  bump(h.counts[i]);
  bump(h.sum_ticks, t);
}

/// The histograms of `rec`, made by the first caller (any thread); null if memory ran out.
actor_metrics* metrics_of(actor_record& rec) noexcept;

/// Marks the message at `element` (the `n`th enqueued, from 0) for a mailbox wait sample, if
/// it is one to sample and no other sampled message is waiting (one stuck in the mailbox for
/// many messages, or never consumed, gives its place up). Any thread may call it.
void sample_wait(actor_record& rec, const void* element, std::uint64_t n) noexcept;

/// Records the wait of `element` if it is the sampled message (the actor's thread).
inline void consumed_sample(actor_metrics& m, const void* element) noexcept {
  auto* s = m.wait_sample.load(std::memory_order_acquire);
  if (s != element)
    return;
  auto at = m.wait_sample_at.load(std::memory_order_relaxed);
  auto now = ticks();
  if (m.wait_sample.compare_exchange_strong(s, nullptr, std::memory_order_acq_rel) && now >= at)
    observe(m.mailbox_wait, now - at);
}

/// Converts a tick difference to nanoseconds.
std::chrono::nanoseconds ticks_to_ns(std::uint64_t ticks) noexcept;

/// The wall-clock time of a `ticks()` reading taken earlier.
std::chrono::system_clock::time_point ticks_to_wall(std::uint64_t ticks) noexcept;

} // namespace troupe::detail

namespace troupe::detail {

/// Mixes one element's type into a signature (see `signature_of`).
constexpr std::size_t mix_signature(std::size_t h, std::size_t element) noexcept {
  return (h ^ element) * 0x100000001b3ULL;
}

/// The signature of a message's element types: equal for messages whose elements have equal
/// types (CAF's builtin type number, else the C++ type), and for a receive of those types.
std::size_t signature_of(const caf::type_erased_tuple& elements) noexcept;

/// One element type's contribution to a signature, as CAF reports it for a message element.
std::size_t element_signature(std::pair<std::uint16_t, const std::type_info*> rtti) noexcept;

} // namespace troupe::detail
