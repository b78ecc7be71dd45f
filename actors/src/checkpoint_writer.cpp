#include <troupe/actors/checkpoint_writer.hpp>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

#include "internal/output_file.hpp"

namespace troupe::actors {

struct checkpoint_writer::impl {
  static constexpr int background_nice = 10;

  struct job {
    checkpoint_info info;
    std::vector<part_bytes> parts;
  };

  explicit impl(std::filesystem::path where)
    : dir(std::move(where))
    , thread([this] { run(); }) {
  }

  ~impl() {
    {
      std::lock_guard guard{mutex};
      stopping = true;
    }
    changed.notify_all();
    thread.join();
  }

  void run() {
    // Background work: the step loop's threads (nice 0) keep the cores and are not preempted
    // when this thread wakes (which otherwise held `start`'s caller for milliseconds on a busy
    // machine). A failure leaves the default priority, which only costs that.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), background_nice);
    std::unique_lock lock{mutex};
    for (;;) {
      changed.wait(lock, [&] { return next.has_value() || stopping; });
      if (!next)
        return;
      lock.unlock();
      auto written = write_checkpoint(dir, next->info, next->parts);
      for (auto& part : next->parts)
        detail::recycle(std::move(part));
      lock.lock();
      outcome = written ? result<void>{} : result<void>{written.error()};
      next.reset();
      changed.notify_all();
      if (auto hook = written_hook) {
        lock.unlock();
        hook();
        lock.lock();
      }
    }
  }

  // The caller holds `lock`.
  result<void> take_outcome(std::unique_lock<std::mutex>& lock) {
    changed.wait(lock, [&] { return !next.has_value(); });
    return std::exchange(outcome, result<void>{});
  }

  const std::filesystem::path dir;
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<job> next; // the write in flight, until it ends
  result<void> outcome;    // the last ended write's, until returned
  bool stopping = false;
  std::function<void()> written_hook; // set before the first job
  std::thread thread;                 // last: starts once the members it uses exist
};

result<checkpoint_writer> checkpoint_writer::open(std::filesystem::path dir) {
  if (auto made = detail::make_directory(dir); !made)
    return made.error();
  return checkpoint_writer{std::make_unique<impl>(std::move(dir))};
}

checkpoint_writer::checkpoint_writer(std::unique_ptr<impl> state)
  : impl_(std::move(state)) {
}

checkpoint_writer::checkpoint_writer(checkpoint_writer&&) noexcept = default;
checkpoint_writer& checkpoint_writer::operator=(checkpoint_writer&&) noexcept = default;
checkpoint_writer::~checkpoint_writer() = default;

result<void> checkpoint_writer::start(checkpoint_info info, std::vector<part_bytes> parts) {
  std::unique_lock lock{impl_->mutex};
  auto previous = impl_->take_outcome(lock);
  impl_->next.emplace(impl::job{std::move(info), std::move(parts)});
  // Unlocked first, so that the woken writer does not block on the mutex its waker holds.
  lock.unlock();
  impl_->changed.notify_all();
  return previous;
}

result<void> checkpoint_writer::wait() {
  std::unique_lock lock{impl_->mutex};
  return impl_->take_outcome(lock);
}

bool checkpoint_writer::busy() const {
  std::lock_guard guard{impl_->mutex};
  return impl_->next.has_value();
}

void checkpoint_writer::on_written(std::function<void()> fn) {
  std::lock_guard guard{impl_->mutex};
  impl_->written_hook = std::move(fn);
}

const std::filesystem::path& checkpoint_writer::dir() const noexcept {
  return impl_->dir;
}

} // namespace troupe::actors
