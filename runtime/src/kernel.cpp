#include <troupe/detail/kernel.hpp>

#include <algorithm>
#include <chrono>
#include <thread>
#include <typeinfo>

#include <caf/ref_counted.hpp>
#include <caf/resumable.hpp>

#include <troupe/assert.hpp>

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

void kernel_state::share(std::size_t runners) {
  TROUPE_ASSERT(chunks_ < (std::uint64_t{1} << 32), "kernel: too many chunks");
  runners_ = std::max<std::size_t>(runners, 1);
  runs_ = std::make_unique<run_of_chunks[]>(runners_);
  for (std::size_t r = 0; r < runners_; ++r) {
    std::uint64_t low = r * chunks_ / runners_;
    std::uint64_t high = (r + 1) * chunks_ / runners_;
    runs_[r].range.store(low << 32 | high, std::memory_order_relaxed);
  }
}

std::size_t kernel_state::claim(std::size_t runner) noexcept {
  // The runner's own run from the front, then the others' from the back, nearest first.
  for (std::size_t k = 0; k < runners_; ++k) {
    auto& run = runs_[(runner + k) % runners_].range;
    auto r = run.load(std::memory_order_relaxed);
    for (;;) {
      auto low = r >> 32;
      auto high = r & 0xffffffffu;
      if (low >= high)
        break;
      auto next = k == 0 ? (low + 1) << 32 | high : low << 32 | (high - 1);
      if (run.compare_exchange_weak(r, next, std::memory_order_relaxed))
        return k == 0 ? low : high - 1;
    }
  }
  return claim_none;
}

bool kernel_state::run_chunks(caf::execution_unit* eu, std::size_t runner) noexcept {
  TROUPE_ASSERT(runs_ != nullptr, "kernel: chunks run before launch_kernel shared them out");
  auto n = last_ - first_;
  runner %= runners_;
  for (;;) {
    auto c = claim(runner);
    if (c == claim_none)
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

// How long a worker out of chunks waits for the rest of its kernel (linger below). Longer
// chunks make a late start cheap: a blocked worker wakes in ~60 µs here (a futex wake-up in a
// VM), under 1 % of a kernel whose chunks run 1 ms (measured, docs/PERFORMANCE.md).
constexpr auto linger_limit = std::chrono::microseconds{1000};

// A spin-wait hint: lets the core's other hardware thread run, and saves power.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Whether a worker of `ws` has a job queued.
bool work_queued(coordinator::super& ws) noexcept {
  for (std::size_t i = 0; i < ws.num_workers(); ++i)
    if (!ws.worker_by_id(i)->data().queue.empty())
      return true;
  return false;
}

// A worker that ran out of chunks while other workers still run theirs waits for the kernel
// to end before it goes back to the scheduler. The actor awaiting a kernel usually launches the
// next one within microseconds of its end (a time-step loop); a worker idle since its last
// chunk would by then have spun out its ~50 µs of polls and blocked, and every launch would
// wait for its wake-up: at 1024² stencil sweeps of ~400 µs, the second worker started 16-60 µs
// late. Waiting here, it is still polling when the next launch comes. It waits only while no
// worker has a job queued (there is nothing else for it to do) and at most linger_limit.
void linger(const kernel_state& state, caf::execution_unit* eu) noexcept {
  if (eu == nullptr || typeid(*eu) != typeid(coordinator::worker_type))
    return; // not one of troupe's workers (CAF's work sharing): nothing to poll
  auto& ws = *static_cast<coordinator::worker_type*>(eu)->parent();
  auto until = std::chrono::steady_clock::now() + linger_limit;
  for (unsigned i = 1; !state.finished(); ++i) {
    if (i % 64 == 0 && (work_queued(ws) || std::chrono::steady_clock::now() > until))
      return;
    cpu_relax();
  }
}

/// A helper job: runs chunks until none is left, then lingers until the kernel ends. The
/// scheduler owns one reference and releases it when `resume` returns `done`.
class kernel_job final : public caf::resumable, public caf::ref_counted {
public:
  kernel_job(std::shared_ptr<kernel_state> state, std::size_t runner)
    : state_(std::move(state))
    , runner_(runner) {
  }

  resume_result resume(caf::execution_unit* eu, size_t) override {
    TROUPE_TSAN_ACQUIRE(this); // pairs with launch_kernel: CAF's job queues are not instrumented
    if (!state_->run_chunks(eu, runner_))
      linger(*state_, eu);
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
  std::size_t runner_;
};

// The index of the worker `caller` (else the calling thread) is, or `workers` if none.
std::size_t caller_index(coordinator& ws, caf::execution_unit* caller) noexcept {
  auto workers = ws.num_workers();
  auto self = std::this_thread::get_id();
  for (std::size_t i = 0; i < workers; ++i) {
    auto* w = ws.worker_by_id(i);
    if (caller != nullptr ? caller == w : w->get_thread().get_id() == self)
      return i;
  }
  return workers;
}

bool sleeping(coordinator::worker_type& w) {
  auto& wait = w.data().waitdata;
  std::lock_guard<std::mutex> guard{wait.lock};
  return wait.sleeping;
}

caf::resumable* new_job(const std::shared_ptr<kernel_state>& state, std::size_t runner) {
  auto* job = new kernel_job(state, runner); // reference count 1, owned by the scheduler
  TROUPE_TSAN_RELEASE(job);
  return job;
}

} // namespace

void launch_kernel(caf::actor_system& sys, const std::shared_ptr<kernel_state>& state,
                   bool caller_suspends, caf::execution_unit* caller) {
  // Beside the caller: an awaiting actor frees its worker, a blocking caller runs chunks (as
  // the last runner).
  auto beside = caller_suspends ? state->chunks() : state->chunks() - 1;
  auto with_caller = caller_suspends ? 0 : 1;
  auto* ws = troupe_scheduler(sys);
  if (ws == nullptr) {
    // CAF's work sharing: one central queue, served by whichever worker is idle.
    auto jobs = std::min(worker_count(sys), beside);
    state->share(jobs + with_caller);
    for (std::size_t r = 0; r < jobs; ++r)
      sys.scheduler().enqueue(new_job(state, r));
    return;
  }
  auto workers = ws->num_workers();
  auto here = caller_index(*ws, caller);
  // Who gets a job, in runner order: the caller's own worker first (the front of its queue:
  // runs as soon as the actor returns, no wake-up), then the other workers in turn after it,
  // awake ones first when not all get one.
  coordinator::worker_type* own = nullptr;
  if (caller_suspends && here < workers && beside > 0) {
    own = ws->worker_by_id(here);
    --beside;
  }
  auto others = here < workers ? workers - 1 : workers;
  auto helpers = std::min(others, beside);
  std::vector<coordinator::worker_type*> awake;
  std::vector<coordinator::worker_type*> asleep;
  for (std::size_t k = 1; k <= workers && awake.size() < helpers; ++k) {
    auto i = (here + k) % workers;
    if (i == here)
      continue;
    auto* w = ws->worker_by_id(i);
    (helpers < others && sleeping(*w) ? asleep : awake).push_back(w);
  }
  asleep.resize(std::min(asleep.size(), helpers - awake.size()));
  state->share((own != nullptr ? 1 : 0) + awake.size() + asleep.size() + with_caller);
  std::size_t runner = 0;
  if (own != nullptr)
    own->exec_later(new_job(state, runner++));
  for (auto* w : awake)
    w->external_enqueue(new_job(state, runner++));
  for (auto* w : asleep)
    w->external_enqueue(new_job(state, runner++)); // wakes the worker
}

std::size_t worker_count(caf::actor_system& sys) noexcept {
  // Every CAF coordinator counts its workers (scheduler.max-threads): CAF's work sharing runs
  // a kernel's jobs from its central queue on as many threads as troupe's own scheduler.
  return std::max<std::size_t>(1, sys.scheduler().num_workers());
}

std::size_t default_chunks(std::size_t n, std::size_t workers) noexcept {
  // Several chunks per worker balance uneven chunks and late-waking workers; more would only
  // add claim traffic.
  static const std::size_t per = getenv("XCH") ? std::atoi(getenv("XCH")) : 8;
  return std::max<std::size_t>(1, std::min(n, workers * per));
}

std::vector<std::thread::id> worker_thread_ids(caf::actor_system& sys) {
  std::vector<std::thread::id> ids;
  if (auto* ws = troupe_scheduler(sys))
    for (std::size_t i = 0; i < ws->num_workers(); ++i)
      ids.push_back(ws->worker_by_id(i)->get_thread().get_id());
  return ids;
}

} // namespace troupe::detail
