// The roots of an actor's coroutines: each run of a coroutine handler is a root frame linked
// into its actor, so that ending the actor destroys every suspended chain.
#include <troupe/context.hpp>

#include <functional>

namespace troupe {

namespace detail {

namespace {

root_task run_root(task<void> t, std::function<void(std::exception_ptr)> done) {
  std::exception_ptr ep;
  try {
    co_await std::move(t);
  } catch (...) {
    ep = std::current_exception();
  }
  done(ep);
}

} // namespace

struct root_access {
  static void link(context& self, root_handle h) noexcept;
  static void unlink(context& self, root_handle h) noexcept;
};

} // namespace detail

void context::start_root(task<void> t, std::function<void(std::exception_ptr)> done) {
  auto root = detail::run_root(std::move(t), std::move(done));
  root.handle.promise().owner = this;
  detail::root_access::link(*this, root.handle);
  TROUPE_ASSERT(record_.inside.load(std::memory_order_relaxed) == std::this_thread::get_id(),
                "a coroutine started outside its actor");
  root.handle.resume();
}

void detail::root_access::link(context& self, root_handle h) noexcept {
  auto head = self.roots_;
  h.promise().next = head;
  if (head)
    head.promise().prev = h;
  self.roots_ = h;
}

void detail::root_access::unlink(context& self, root_handle h) noexcept {
  auto& p = h.promise();
  if (p.prev)
    p.prev.promise().next = p.next;
  else
    self.roots_ = p.next;
  if (p.next)
    p.next.promise().prev = p.prev;
  p.prev = p.next = {};
}

void detail::root_task::promise_type::final_awaiter::await_suspend(
    std::coroutine_handle<promise_type> h) noexcept {
  root_access::unlink(*h.promise().owner, h);
  h.destroy();
}

void context::destroy_roots() noexcept {
  // Destroying a root destroys the whole suspended chain: each frame's locals, including the
  // task it awaits, go with it. Awaiters cancel their kernels in their destructors.
  if (body_)
    std::exchange(body_, {}).destroy();
  while (roots_) {
    auto h = roots_;
    detail::root_access::unlink(*this, h);
    h.destroy();
  }
  if (record_.awaits.empty())
    return;
  detail::introspection_lock guard{record_};
  record_.awaits.clear();
}

} // namespace troupe
