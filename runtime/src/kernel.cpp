#include <troupe/detail/kernel.hpp>

#include <algorithm>
#include <thread>

#include <caf/ref_counted.hpp>
#include <caf/resumable.hpp>

#include "internal/scheduler.hpp"
#include "internal/tsan.hpp"

namespace troupe::detail {

kernel_state::kernel_state(const char* name, std::size_t first, std::size_t last,
                           std::size_t chunks)
  : name_(name)
  , first_(first)
  , last_(last)
  , chunks_(std::max<std::size_t>(chunks, 1)) {
}

kernel_state::~kernel_state() = default;

bool kernel_state::run_chunks(caf::execution_unit* eu) noexcept {
  auto n = last_ - first_;
  for (;;) {
    auto c = next_.fetch_add(1, std::memory_order_relaxed);
    if (c >= chunks_)
      return false;
    // Dekker-style handshake with cancel_and_wait: announce first, then check the flag.
    active_.fetch_add(1, std::memory_order_seq_cst);
    if (!cancelled_.load(std::memory_order_seq_cst)) {
      // Balanced split: chunk c covers [c*n/chunks, (c+1)*n/chunks), the same for any thread.
      auto b = first_ + c * n / chunks_;
      auto e = first_ + (c + 1) * n / chunks_;
      try {
        run(b, e);
      } catch (...) {
        std::call_once(failed_once_, [this] { failure_ = std::current_exception(); });
        cancelled_.store(true, std::memory_order_seq_cst);
      }
    }
    active_.fetch_sub(1, std::memory_order_release);
    if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks_) {
      done_.notify_all();
      on_complete(eu);
      return true;
    }
  }
}

void kernel_state::cancel_and_wait() noexcept {
  cancelled_.store(true, std::memory_order_seq_cst);
  while (active_.load(std::memory_order_seq_cst) != 0)
    std::this_thread::yield();
}

void kernel_state::rethrow_if_failed() const {
  if (failure_)
    std::rethrow_exception(failure_);
}

void kernel_state::wait_finished() const noexcept {
  for (auto d = done_.load(std::memory_order_acquire); d != chunks_;
       d = done_.load(std::memory_order_acquire))
    done_.wait(d, std::memory_order_acquire);
}

namespace {

/// A helper job: runs chunks until none is left. The scheduler owns one reference and
/// releases it when `resume` returns `done`.
class kernel_job final : public caf::resumable, public caf::ref_counted {
public:
  explicit kernel_job(std::shared_ptr<kernel_state> state)
    : state_(std::move(state)) {
  }

  resume_result resume(caf::execution_unit* eu, size_t) override {
    TROUPE_TSAN_ACQUIRE(this); // pairs with launch_kernel: CAF's job queues are not instrumented
    state_->run_chunks(eu);
    state_.reset();
    return done;
  }

  void intrusive_ptr_add_ref_impl() override {
    ref();
  }

  void intrusive_ptr_release_impl() override {
    deref();
  }

private:
  std::shared_ptr<kernel_state> state_;
};

} // namespace

void launch_kernel(caf::actor_system& sys, std::shared_ptr<kernel_state> state, std::size_t jobs) {
  auto* ws = troupe_scheduler(sys);
  jobs = std::max<std::size_t>(1, std::min(jobs, worker_count(sys)));
  for (std::size_t i = 0; i < jobs; ++i) {
    auto* job = new kernel_job(state); // reference count 1, owned by the scheduler
    TROUPE_TSAN_RELEASE(job);
    if (ws != nullptr)
      ws->worker_by_id(i)->external_enqueue(job); // wakes the worker if it sleeps
    else
      sys.scheduler().enqueue(job);
  }
}

std::size_t worker_count(caf::actor_system& sys) noexcept {
  // Every CAF coordinator counts its workers (scheduler.max-threads): CAF's work sharing runs
  // a kernel's jobs from its central queue on as many threads as troupe's own scheduler.
  return std::max<std::size_t>(1, sys.scheduler().num_workers());
}

std::size_t default_chunks(std::size_t n, std::size_t workers) noexcept {
  // Several chunks per worker balance uneven chunks and late-waking workers; more would only
  // add claim traffic.
  return std::max<std::size_t>(1, std::min(n, workers * 8));
}

std::vector<std::thread::id> worker_thread_ids(caf::actor_system& sys) {
  std::vector<std::thread::id> ids;
  if (auto* ws = troupe_scheduler(sys))
    for (std::size_t i = 0; i < ws->num_workers(); ++i)
      ids.push_back(ws->worker_by_id(i)->get_thread().get_id());
  return ids;
}

} // namespace troupe::detail
