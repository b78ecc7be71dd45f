#include <troupe/context.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <caf/actor_system_config.hpp>
#include <caf/delegated.hpp>
#include <caf/sec.hpp>

#include <troupe/behavior.hpp>
#include <troupe/node_config.hpp>

#include "internal/node_state.hpp"
#include "internal/stash.hpp"
#include "internal/tsan.hpp"
#include "internal/watch_table.hpp"

#ifdef TROUPE_TSAN_ENABLED
#include <caf/detail/sync_request_bouncer.hpp> // context::cleanup's drain
#endif

namespace troupe {

namespace detail {

void assertion_failed(const char* file, int line, const char* what) noexcept {
  std::fprintf(stderr, "%s:%d: troupe invariant broken: %s\n", file, line, what);
  std::fflush(stderr);
  std::abort();
}

node_state* state_of(caf::actor_system& sys) noexcept {
  auto* cfg = dynamic_cast<const node_config*>(&sys.config());
  return cfg ? cfg->state : nullptr;
}

} // namespace detail

// -- context ----------------------------------------------------------------------------------

caf::behavior detail::body_storage::make(context&) {
  return {};
}

context::context(caf::actor_config& cfg, const spawn_options& opts, detail::actor_body body,
                 detail::parent_ref parent)
  : super(cfg)
  , state_(parent.ptr != nullptr ? parent.ptr->state_ : detail::state_of(home_system())) {
  record_.introspect = state_ == nullptr || state_->cfg->introspection;
  record_.id = id();
  record_.kind = body.kind;
  if (!opts.name.empty() || !opts.type.empty())
    record_.given = std::make_unique<const spawn_options>(opts);
  record_.spawned = detail::ticks();
  record_.actor = this;
  if (parent.ptr != nullptr) {
    record_.parent = parent.ptr->id();
    parent_ = const_cast<context*>(parent.ptr)->address();
  }
  body.make(*this, body.args);
  if (state_ != nullptr)
    state_->actors.add(record_);
  set_exception_handler([](caf::scheduled_actor*, std::exception_ptr& ep) -> caf::error {
    return detail::exception_to_error(ep);
  });
}

void context::set_body(task<void> body, std::unique_ptr<detail::body_storage> storage) {
  storage_ = std::move(storage);
  if (body.valid()) {
    body_ = body.release();
    body_.promise().on_done(&context::body_done, this);
  }
}

void context::body_done(void* ptr) noexcept {
  auto* self = static_cast<context*>(ptr);
  auto frame = std::exchange(self->body_, {});
  auto ep = frame.promise().exception();
  frame.destroy(); // suspended at its final point: safe from inside that suspension
  if (ep)
    self->quit(detail::exception_to_error(ep));
  else
    self->quit();
}

context::~context() {
  TROUPE_TSAN_ACQUIRE(this); // the actor may be destroyed on another thread than its last run
  // Normally empty: on_exit destroys suspended roots while the actor's members are intact.
  destroy_roots();
  if (state_ != nullptr)
    state_->actors.remove(record_);
}

caf::actor context::handle() noexcept {
  return caf::actor_cast<caf::actor>(this);
}

// -- CAF overrides ------------------------------------------------------------------------------

void context::launch(caf::execution_unit* eu, bool lazy, bool hide) {
  // CAF's queues are not instrumented: publish the constructor's writes to the first resume.
  TROUPE_TSAN_RELEASE(this);
  super::launch(eu, lazy, hide);
}

void context::initialize() {
  inside_guard guard{*this};
  super::initialize();
  setf(is_initialized_flag);
  if (!body_) {
    do_become(finish_behavior(storage_ ? storage_->make(*this) : caf::behavior{}, false), true);
    return;
  }
  body_.resume();
  // A body that finished at once (a leaf that only sends) needs no behavior, as in CAF.
  if (body_)
    do_become(finish_behavior(caf::behavior{}, true), true);
}

void context::enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit* eu) {
  auto n = record_.enqueued.fetch_add(1, std::memory_order_relaxed);
  if (record_.introspect)
    detail::sample_wait(record_, ptr.get(), n);
  TROUPE_TSAN_RELEASE(this); // the sender's writes to the payload
  super::enqueue(std::move(ptr), eu);
}

caf::invoke_message_result context::consume(caf::mailbox_element& x) {
  inside_guard guard{*this, true};
  detail::bump(record_.consumed);
  if (record_.introspect)
    if (auto* metrics = detail::metrics_of(record_))
      detail::consumed_sample(*metrics, &x);
  if (consume_internal(x))
    return caf::invoke_message_result::consumed;
  // Counted before the handler runs, so that whoever sees its reply also sees the counts (the
  // stash takes them back for a message it keeps).
  auto is_request = x.mid.is_request();
  detail::bump(record_.received);
  if (is_request)
    detail::bump(record_.sent);
  return super::consume(x);
}

bool context::cleanup(caf::error&& reason, caf::execution_unit* host) {
#ifdef TROUPE_TSAN_ENABLED
  // CAF drains the mailbox inside libcaf_core, which ThreadSanitizer cannot see into: a message
  // enqueued by another thread while this actor ends (node shutdown's exit message) would be
  // destroyed here with no visible hand-off. Under TSan only, close the mailbox here, acquire
  // what every successful enqueue released, and drain it as CAF does (queued requests are
  // answered with the exit reason); CAF's cleanup then finds it closed and skips its drain.
  // Other builds keep CAF's code: instantiating CAF's queue templates in troupe's code trips
  // UBSan's vptr check on the queue's sentinel node (a CAF idiom, harmless in libcaf_core).
  auto& box = mailbox();
  if (!box.closed()) {
    box.close();
    TROUPE_TSAN_ACQUIRE(this);
    get_normal_queue().flush_cache();
    get_urgent_queue().flush_cache();
    caf::detail::sync_request_bouncer bounce{reason};
    while (box.queue().new_round(1000, bounce).consumed_items > 0) {
    }
  }
#endif
  return super::cleanup(std::move(reason), host);
}

void context::on_exit() {
  inside_guard guard{*this};
  // Suspended coroutine handlers answer their requesters as their frames go (behavior.hpp);
  // kept requests are answered here.
  destroy_roots();
  if (stash_) {
    auto reply = exit_reply();
    stash_->drain([&](detail::received_message& m) {
      if (m.mid.is_request() && m.sender != nullptr)
        m.sender->enqueue(ctrl(), m.mid.response_id(), caf::make_message(reply),
                          caf::local_actor::context());
    });
    record_.stashed.store(0, std::memory_order_relaxed);
  }
  // A strong handle kept past the end would let two ended actors keep each other alive (and a
  // watch's function may hold one).
  last_sender_ = nullptr;
  watches_.reset();
  if (state_ != nullptr)
    state_->actors.remove(record_);
  super::on_exit();
}

namespace {

// Never sent: the one handler of the behavior that keeps a coroutine actor alive.
struct keep_alive_t {};

// One behavior shared by the coroutine actors of a thread (its reference count stays in that
// worker's cache): such an actor takes its messages through the default handler (its
// awaits), and CAF ends an actor whose behavior is empty.
const caf::behavior& coroutine_behavior() {
  thread_local const caf::behavior bhvr{[](keep_alive_t) {}};
  return bhvr;
}

} // namespace

caf::behavior context::finish_behavior(caf::behavior user, bool stash_unmatched) {
  stash_unmatched_ = stash_unmatched;
  // Receives go through the default handler, after the user's handlers.
  set_default_handler([](caf::scheduled_actor* self, caf::message_view& xs) {
    return static_cast<context*>(self)->on_unmatched(xs);
  });
  return user.as_behavior_impl() ? std::move(user) : coroutine_behavior();
}

// -- inside_guard: the reentrancy check of Decision 3 --------------------------------------------

context::inside_guard::inside_guard(context& self, bool message)
  : self_(&self)
  , message_(message)
  , owner_(false)
  , start_(0) {
  TROUPE_TSAN_ACQUIRE(&self); // pairs with launch, enqueue and the previous guard's release
  auto me = std::this_thread::get_id();
  std::thread::id cur{};
  if (!self.record_.inside.compare_exchange_strong(cur, me, std::memory_order_acquire,
                                                   std::memory_order_relaxed)) {
    if (cur == me)
      return; // nested: on_exit inside consume, initialize inside the first resume
    detail::assertion_failed(__FILE__, __LINE__,
                             "two threads inside one actor at once (Decision 3)");
  }
  owner_ = true;
  if (self.record_.introspect)
    start_ = detail::ticks();
}

context::inside_guard::~inside_guard() {
  if (!owner_)
    return;
  if (self_->record_.introspect) {
    auto took = detail::ticks() - start_;
    detail::bump(self_->record_.busy_ticks, took);
    if (message_)
      if (auto* m = self_->record_.metrics.load(std::memory_order_acquire))
        detail::observe(m->processing, took);
  }
  TROUPE_TSAN_RELEASE(self_); // the actor's state goes to whichever worker runs it next
  self_->record_.inside.store(std::thread::id{}, std::memory_order_release);
}

} // namespace troupe
