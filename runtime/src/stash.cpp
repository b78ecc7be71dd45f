// Messages no handler or receive took yet: matched against waiting receives, kept in the stash
// for later ones, and answered when the actor ends.
#include "internal/stash.hpp"

#include <cstdio>
#include <string>
#include <typeinfo>

#include <caf/actor_system_config.hpp>
#include <caf/delegated.hpp>
#include <caf/sec.hpp>

namespace troupe {

namespace detail {

std::size_t element_signature(std::pair<std::uint16_t, const std::type_info*> rtti) noexcept {
  return rtti.first != 0 ? rtti.first : rtti.second->hash_code();
}

std::size_t signature_of(const caf::type_erased_tuple& elements) noexcept {
  std::size_t h = mix_signature(0xcbf29ce484222325ULL, elements.size());
  for (std::size_t i = 0; i < elements.size(); ++i)
    h = mix_signature(h, element_signature(elements.type(i)));
  return h;
}

void stash::push(received_message msg) {
  by_signature_[signature_of(msg.content)].push_back(std::move(msg));
  ++size_;
}

bool stash::take(const receive_match& match, received_message& out) {
  auto i = by_signature_.find(match.signature);
  if (i == by_signature_.end())
    return false;
  auto& q = i->second;
  for (auto j = q.begin(); j != q.end(); ++j) {
    if (match.test(j->content, match.arg)) {
      out = std::move(*j);
      q.erase(j);
      if (q.empty())
        by_signature_.erase(i);
      --size_;
      return true;
    }
  }
  return false;
}

} // namespace detail

namespace {

const std::string receive_took_request =
    "a coroutine took this request with receive, which does not reply; answer requests from a "
    "handler of a behavior actor (one returning task<R> may await)";

} // namespace

caf::error context::exit_reply() const {
  auto& reason = fail_state();
  auto text = reason ? const_cast<context*>(this)->home_system().render(reason)
                     : std::string{"unreachable"};
  return caf::make_error(caf::sec::request_receiver_down, "actor " + std::to_string(id()) + " (" +
                                                              name() +
                                                              ") ended before replying: " + text);
}

void context::note_received(const caf::strong_actor_ptr& sender, caf::message_id mid) {
  detail::bump(record_.received);
  last_sender_ = sender;
  // A receive yields values, not a way to answer: rather than an empty reply (which would pass
  // for an answer to request<void>), the requester learns at once what happened.
  if (mid.is_request() && sender != nullptr) {
    sender->enqueue(
        ctrl(), mid.response_id(),
        caf::make_message(caf::make_error(caf::sec::unexpected_message, receive_took_request)),
        caf::local_actor::context());
    detail::bump(record_.sent);
  }
}

bool context::take_stashed(const detail::receive_match& match, detail::received_message& out) {
  if (!stash_ || stash_->size() == 0 || !stash_->take(match, out))
    return false;
  record_.stashed.store(stash_->size(), std::memory_order_relaxed);
  note_received(out.sender, out.mid);
  return true;
}

caf::result<caf::message> context::on_unmatched(caf::message_view& xs) {
  auto& content = xs.content();
  detail::pending_await* best = nullptr;
  for (auto& p : record_.awaits)
    if (p.match != nullptr && p.frame && !p.timed_out && p.match->test(content, p.match->arg) &&
        (best == nullptr || p.token < best->token))
      best = &p;
  if (best == nullptr)
    return keep_unmatched(xs);
  auto* element = current_mailbox_element();
  // The sender is moved out of the element unless a reply may still go to it.
  if (element->mid.is_request()) {
    last_sender_ = element->sender;
    best->matched = &content;
    resume_await(best->token);
    return caf::make_error(caf::sec::unexpected_message, receive_took_request);
  }
  last_sender_ = std::move(element->sender);
  best->matched = &content;
  resume_await(best->token);
  return caf::delegated<caf::message>{}; // nothing to answer: CAF skips its reply machinery
}

caf::result<caf::message> context::keep_unmatched(caf::message_view&) {
  auto* element = current_mailbox_element();
  auto is_request = element->mid.is_request();
  if (is_request && !stash_unmatched_)
    // A behavior actor answers a request that none of its handlers takes at once, as CAF does.
    return caf::make_error(caf::sec::unexpected_message,
                           std::string{"actor "} + name() + " has no handler for this request");
  if (!stash_)
    stash_ = std::make_unique<detail::stash>();
  // Not received (yet): consume counted it, and a request's reply, in advance.
  auto uncount = [](std::atomic<std::uint64_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  };
  uncount(record_.received);
  if (stash_->size() >= detail::stash_limit) {
    if (record_.dropped.load(std::memory_order_relaxed) == 0)
      std::fprintf(stderr,
                   "troupe: actor %llu (%s) keeps %zu messages that no receive took; it drops "
                   "further ones (see 'dropped' in its snapshot)\n",
                   static_cast<unsigned long long>(id()), name(), stash_->size());
    detail::bump(record_.dropped);
    if (is_request) // answered with the error below
      return caf::make_error(caf::sec::unexpected_message,
                             std::string{"actor "} + name() +
                                 " dropped this request: its stash of unreceived messages is full");
    return caf::delegated<caf::message>{};
  }
  if (is_request)
    uncount(record_.sent);
  stash_->push({element->move_content_to_message(), std::move(element->sender), element->mid});
  record_.stashed.store(stash_->size(), std::memory_order_relaxed);
  return caf::delegated<caf::message>{};
}

} // namespace troupe
