/// @file
/// `troupe::parallel_for`: split an index range into chunks that run on the node's workers.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/mailbox_element.hpp>

#include <troupe/context.hpp>
#include <troupe/detail/await_argument.hpp>
#include <troupe/detail/kernel.hpp>

namespace troupe {

/// How to split a `parallel_for`: the kernel's name for introspection, and the chunk count
/// (0: a default that gives each worker several chunks to balance load).
struct kernel_options {
  const char* name = "parallel_for";
  std::size_t chunks = 0;
};

namespace detail {

/// The chunk count of a kernel over `n` > 0 indices on `workers` threads: `opts.chunks` (at most
/// one per index) when given, else default_chunks.
inline std::size_t chunk_count(std::size_t n, const kernel_options& opts,
                               std::size_t workers) noexcept {
  return opts.chunks != 0 ? std::min(opts.chunks, n) : default_chunks(n, workers);
}

/// Calls `f(begin, end)` on each chunk when `f` takes a range, else `f(i)` for each index.
template <class F>
void run_body(F& f, std::size_t begin, std::size_t end) {
  if constexpr (std::invocable<F&, std::size_t, std::size_t>) {
    f(begin, end);
  } else {
    static_assert(std::invocable<F&, std::size_t>,
                  "parallel_for needs f(std::size_t i) or f(std::size_t begin, std::size_t end)");
    for (auto i = begin; i < end; ++i)
      f(i);
  }
}

/// A kernel awaited by an actor: the last chunk completes the await `token` of its actor.
template <class F>
class actor_kernel final : public kernel_state {
public:
  actor_kernel(const char* name, std::size_t first, std::size_t last, std::size_t chunks, F f,
               caf::strong_actor_ptr owner, std::uint64_t token)
    : kernel_state(name, first, last, chunks)
    , f_(std::move(f))
    , owner_(std::move(owner))
    , token_(token) {
  }

  void on_complete(caf::execution_unit* eu) noexcept override {
    // Enqueueing with the finishing worker as context keeps the owner on this (warm) worker.
    context::complete(owner_, token_, static_cast<const kernel_state*>(this), eu);
  }

protected:
  void run(std::size_t begin, std::size_t end) override {
    run_body(f_, begin, end);
  }

private:
  F f_;
  caf::strong_actor_ptr owner_;
  std::uint64_t token_;
};

/// Awaits a kernel started on the node's workers; destroying the awaiting frame cancels it
/// and waits for running chunks, so chunk bodies may capture references into the frame.
template <class F>
class parallel_for_awaiter {
public:
  parallel_for_awaiter(context& self, std::size_t first, std::size_t last, F f, kernel_options opts)
    : self_(&self)
    , first_(first)
    , last_(last)
    , f_(std::move(f))
    , opts_(opts) {
  }

  parallel_for_awaiter(parallel_for_awaiter&&) noexcept = default;

  ~parallel_for_awaiter() {
    if (state_ && !state_->finished())
      state_->cancel_and_wait();
  }

  bool await_ready() const noexcept {
    return first_ >= last_;
  }

  void await_suspend(std::coroutine_handle<> frame) {
    auto& sys = self_->home_system();
    auto chunks = chunk_count(last_ - first_, opts_, worker_count(sys));
    // The token is known before the kernel exists: the kernel must name it in its resume.
    auto token = self_->next_await_token();
    state_ = std::make_shared<actor_kernel<F>>(opts_.name, first_, last_, chunks, std::move(f_),
                                               self_->ctrl(), token);
    token_ = self_->begin_await(frame, {.what = await_info::kind::kernel, .kernel = state_},
                                nullptr, state_.get());
    TROUPE_ASSERT(token_ == token, "kernel await token mismatch");
    // (`context` names the class inside it: CAF's context() is the worker running the actor.)
    launch_kernel(sys, state_, true, static_cast<caf::local_actor&>(*self_).context());
  }

  void await_resume() {
    if (!state_)
      return;
    self_->end_await(token_);
    state_->rethrow_if_failed();
  }

private:
  context* self_;
  std::size_t first_;
  std::size_t last_;
  F f_;
  kernel_options opts_;
  std::uint64_t token_ = 0;
  std::shared_ptr<kernel_state> state_;
};

/// A kernel run synchronously: the calling thread claims chunks too, then waits for the rest.
template <class F>
class blocking_kernel final : public kernel_state {
public:
  blocking_kernel(const char* name, std::size_t first, std::size_t last, std::size_t chunks, F& f)
    : kernel_state(name, first, last, chunks)
    , f_(&f) {
  }

  void on_complete(caf::execution_unit*) noexcept override {
    // wait_finished() observes the last chunk through the done counter.
  }

protected:
  void run(std::size_t begin, std::size_t end) override {
    run_body(*f_, begin, end);
  }

private:
  F* f_;
};

} // namespace detail

/// Runs `f` over [first, last) on `sys`'s workers and returns when every chunk is done.
///
/// For plain code (`main`, a legacy loop, a plain handler). The calling thread runs chunks
/// itself instead of only waiting, so a call from a worker thread cannot deadlock, even with
/// one worker. Inside a coroutine prefer `co_await parallel_for(self, ...)`, which frees the
/// worker. Rethrows the first exception a chunk threw.
///
/// ```cpp
/// std::vector<double> v(1 << 20, 1.0);
/// troupe::parallel_for(node.system(), 0, v.size(), [&](std::size_t b, std::size_t e) {
///   for (auto i = b; i < e; ++i) v[i] = std::sqrt(v[i]);
/// });
/// ```
template <class F>
void parallel_for(caf::actor_system& sys, std::size_t first, std::size_t last, F&& f,
                  kernel_options opts = {}) {
  if (first >= last)
    return;
  auto chunks = detail::chunk_count(last - first, opts, detail::worker_count(sys));
  auto state = std::make_shared<detail::blocking_kernel<std::remove_reference_t<F>>>(
      opts.name, first, last, chunks, f);
  detail::launch_kernel(sys, state, false);
  state->run_chunks(nullptr, state->runners() - 1); // launch_kernel's last runner
  state->wait_finished();
  state->rethrow_if_failed();
}

/// Runs `f` over [first, last) in chunks on the node's workers and resumes when all are done.
///
/// `f` is `f(std::size_t i)` or `f(std::size_t begin, std::size_t end)`. While the kernel runs,
/// the actor serves other messages and the worker that ran it runs chunks. An exception thrown
/// by a chunk stops the remaining ones and is rethrown at `co_await`.
///
/// ```cpp
/// troupe::task<> scale(troupe::context& self, std::vector<double>& v) {
///   co_await troupe::parallel_for(self, 0, v.size(), [&](std::size_t i) { v[i] *= 2; });
/// }
/// ```
template <class F>
detail::parallel_for_awaiter<std::decay_t<F>>
parallel_for(context& self, std::size_t first, std::size_t last, F&& f, kernel_options opts = {}) {
  static_assert(
      detail::safe_callable_argument<F&&>,
      "g++ 12 frees the captures of a lambda written inside `co_await "
      "troupe::parallel_for(...)` twice (a compiler bug, troupe/detail/await_argument.hpp): "
      "name it first and pass it by name: `auto body = [=](std::size_t i) {...}; co_await "
      "troupe::parallel_for(self, first, last, body);`, or capture only by reference");
  return {self, first, last, std::forward<F>(f), opts};
}

} // namespace troupe
