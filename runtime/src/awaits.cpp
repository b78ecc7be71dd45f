// An actor's table of pending awaits, and what ends an await: a completion from a kernel, a
// timer, or the reply and receive paths (request.hpp, stash.cpp).
#include <troupe/context.hpp>

#include <algorithm>

#include <caf/allowed_unsafe_message_type.hpp>

namespace troupe {

namespace {

// What a finished kernel sends its actor. The type is private to this file: no user handler can
// match it, no other code can make one, and no other node can send one (it is not registered).
struct completion {
  std::uint64_t token;
  const void* key;
};

// Far enough in the future that no run reaches it, near enough that adding it to now() cannot
// overflow the clock's 64-bit nanoseconds.
constexpr duration never = std::chrono::hours{24 * 365 * 100};

} // namespace

} // namespace troupe

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::completion)

namespace troupe {

std::uint64_t context::begin_await(std::coroutine_handle<> frame, detail::await_desc desc,
                                   const detail::receive_match* match, const void* key) {
  auto token = next_token_++;
  detail::pending_await p;
  p.token = token;
  p.frame = frame;
  p.match = match;
  p.key = key;
  if (record_.introspect)
    p.since = detail::ticks();
  p.desc = std::move(desc);
  detail::introspection_lock guard{record_};
  record_.awaits.push_back(std::move(p));
  return token;
}

detail::pending_await* context::find_await(std::uint64_t token) noexcept {
  // Most actors have one or two awaits pending; a linear scan beats hashing there.
  for (auto& p : record_.awaits)
    if (p.token == token)
      return &p;
  return nullptr;
}

void context::end_await(std::uint64_t token) noexcept {
  auto& aw = record_.awaits;
  auto i = std::find_if(aw.begin(), aw.end(), [token](const auto& p) { return p.token == token; });
  if (i == aw.end())
    return;
  if (i->has_timer && !i->timed_out)
    clock().cancel_request_timeout(this, i->timer);
  detail::introspection_lock guard{record_};
  aw.erase(i);
}

void context::resume_await(std::uint64_t token) {
  auto* p = find_await(token);
  if (p == nullptr)
    return; // a late reply or completion for an await that finished already
  TROUPE_ASSERT(record_.inside.load(std::memory_order_relaxed) == std::this_thread::get_id(),
                "a coroutine resumed outside its actor (Decision 3)");
  std::coroutine_handle<> frame;
  {
    detail::introspection_lock guard{record_}; // snapshots read `frame` to tell resumed awaits
    frame = std::exchange(p->frame, {});
  }
  TROUPE_ASSERT(frame != nullptr, "an await resumed twice");
  frame.resume();
}

void context::start_timer(std::uint64_t token, duration d) {
  if (d == infinite)
    return;
  auto* p = find_await(token);
  TROUPE_ASSERT(p != nullptr && !p->has_timer, "a timer for an unknown await, or a second one");
  // CAF's request timeouts are the clock's events that can be cancelled one by one: the timer
  // fires as a response with this id, from this actor to itself (consume_internal), and
  // end_await cancels it, so that neither the clock's queue nor this actor outlives the await.
  p->timer = new_request_id(caf::message_priority::normal).response_id();
  p->has_timer = true;
  clock().set_request_timeout(clock().now() + std::min(d, never), this, p->timer);
}

void context::complete(const caf::strong_actor_ptr& owner, std::uint64_t token, const void* key,
                       caf::execution_unit* eu) {
  // Urgent: a completion overtakes ordinary messages, and consume_internal looks for it only
  // among urgent ones. Enqueueing with the finishing worker as context keeps the owner on this
  // (warm) worker.
  owner->enqueue(nullptr, caf::make_message_id(caf::message_priority::high),
                 caf::make_message(completion{token, key}), eu);
}

bool context::consume_internal(caf::mailbox_element& x) {
  auto& content = x.content();
  if (x.mid.is_urgent_message() && !x.mid.is_response() && content.size() == 1 &&
      content.match_element<completion>(0)) {
    auto& c = content.get_as<completion>(0);
    if (auto* p = find_await(c.token); p != nullptr && p->key == c.key && p->key != nullptr)
      resume_await(c.token);
    return true;
  }
  if (x.mid.is_response() && x.sender == ctrl()) {
    for (auto& p : record_.awaits) {
      if (p.has_timer && p.timer == x.mid && p.frame) {
        p.timed_out = true;
        resume_await(p.token);
        return true;
      }
    }
  }
  return watches_ != nullptr && consume_down(x);
}

} // namespace troupe
