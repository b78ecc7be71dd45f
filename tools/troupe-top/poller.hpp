// The polling thread behind the curses UI: it gathers every interval, so a member that does not
// answer costs the poller a timeout and never freezes the screen or the keys.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "gather.hpp"

namespace troupe_top {

/// Runs `gatherer::gather` on a thread of its own; the UI reads the latest rounds.
class poller {
public:
  /// The two latest rounds (`before` is null after the first) and what else was asked.
  struct state {
    std::shared_ptr<const cluster_view> now;
    std::shared_ptr<const cluster_view> before;
    /// The detail of the actor asked for with `show_detail`, once fetched.
    std::optional<optional_route> detail;
    /// What the last pause or resume request did.
    std::string message;
  };

  poller(gatherer& g, std::chrono::milliseconds interval)
    : gatherer_(g)
    , interval_(interval)
    , thread_([this] { loop(); }) {
  }

  poller(const poller&) = delete;
  poller& operator=(const poller&) = delete;

  ~poller() {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  [[nodiscard]] state latest() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return state_;
  }

  /// Asks for the await graph in each round from now on (or no longer).
  void want_awaits(bool on) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (on != awaits_)
      wake_ = true;
    awaits_ = on;
    cv_.notify_all();
  }

  /// Asks each member for these actors from the next round on (at once when they changed).
  void set_query(const actor_query& q) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (q == query_)
      return;
    query_ = q;
    wake_ = true;
    cv_.notify_all();
  }

  /// Fetches actor `id` of the member `m` in each round from now on; nothing stops that.
  void show_detail(std::optional<std::pair<member_view, std::uint64_t>> which) {
    std::lock_guard<std::mutex> guard{mtx_};
    detail_ = std::move(which);
    state_.detail.reset();
    wake_ = true;
    cv_.notify_all();
  }

  /// Sends pause (or resume) on the next turn of the thread.
  void request_pause(bool paused) {
    std::lock_guard<std::mutex> guard{mtx_};
    pause_ = paused;
    state_.message = paused ? "asking to pause..." : "asking to resume...";
    wake_ = true;
    cv_.notify_all();
  }

private:
  void loop() {
    std::unique_lock<std::mutex> lock{mtx_};
    while (!stop_) {
      auto awaits = awaits_;
      auto query = query_;
      auto detail = detail_;
      auto pause = std::exchange(pause_, std::nullopt);
      lock.unlock();
      std::string said;
      if (pause)
        said = gatherer_.set_paused(*pause);
      auto view = std::make_shared<const cluster_view>(gatherer_.gather(awaits, query));
      std::optional<optional_route> shown;
      if (detail)
        shown = gatherer_.actor_detail(detail->first, detail->second);
      lock.lock();
      state_.before = std::exchange(state_.now, std::move(view));
      if (detail && detail_ && detail_->second == detail->second &&
          detail_->first.address == detail->first.address)
        state_.detail = std::move(shown);
      if (pause)
        state_.message = said;
      cv_.wait_for(lock, interval_, [this] { return stop_ || std::exchange(wake_, false); });
    }
  }

  gatherer& gatherer_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mtx_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wake_ = false;
  bool awaits_ = false;
  std::optional<std::pair<member_view, std::uint64_t>> detail_;
  std::optional<bool> pause_;
  actor_query query_;
  state state_;
  std::thread thread_; // last: it starts once the members above exist
};

} // namespace troupe_top
