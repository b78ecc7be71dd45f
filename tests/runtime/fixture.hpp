// Helpers shared by the runtime tests: a node with N workers, and bounded waits.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <troupe/troupe.hpp>

namespace troupe::test {

using namespace std::chrono_literals;

/// A started node with `threads` workers; fails the test if it cannot start.
inline troupe::node start_node(std::size_t threads, bool introspection = true) {
  troupe::node_config cfg{"test"};
  cfg.threads = threads;
  cfg.introspection = introspection;
  auto n = troupe::node::start(std::move(cfg));
  if (!n)
    FAIL("node did not start: " << n.error().message());
  return std::move(*n);
}

/// Waits up to `limit` for `f`; fails naming `what` when it does not become ready.
template <class T>
T await_future(std::future<T>& f, const char* what, std::chrono::seconds limit = 20s) {
  if (f.wait_for(limit) != std::future_status::ready)
    FAIL("timed out after " << limit.count() << " s waiting for " << what);
  return f.get();
}

/// A one-shot value set from inside an actor and awaited by the test thread.
template <class T>
struct outcome {
  std::shared_ptr<std::promise<T>> promise = std::make_shared<std::promise<T>>();
  std::future<T> future = promise->get_future();

  T get(const char* what, std::chrono::seconds limit = 20s) {
    return await_future(future, what, limit);
  }
};

/// Waits for the down message of `who` and returns its rendered exit reason.
inline std::string exit_reason_of(caf::actor_system& sys, const caf::actor& who,
                                  std::chrono::seconds limit = 20s) {
  caf::scoped_actor self{sys};
  self->monitor(who);
  std::string reason = "(no down message within the limit)";
  self->receive([&](caf::down_msg& dm) { reason = sys.render(dm.reason); },
                caf::after(limit) >> [] {});
  return reason;
}

} // namespace troupe::test
