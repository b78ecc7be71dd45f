// Negative control for the reentrancy check: resuming a frame from a thread that is not inside
// its actor must abort with a message naming Decision 3. ctest expects exactly that output.
#include <future>
#include <thread>

#include <troupe/troupe.hpp>

int main() {
  troupe::node_config cfg{"resume-outside"};
  cfg.threads = 1;
  auto n = troupe::node::start(std::move(cfg));
  if (!n)
    return 2;
  std::promise<std::pair<troupe::context*, std::uint64_t>> suspended;
  auto f = suspended.get_future();
  auto a = troupe::spawn(*n, [&suspended](troupe::context& self) -> troupe::task<> {
    struct rogue {
      troupe::context* self;
      std::promise<std::pair<troupe::context*, std::uint64_t>>* out;
      bool await_ready() const noexcept {
        return false;
      }
      void await_suspend(std::coroutine_handle<> h) {
        out->set_value({self, self->begin_await(h, {})});
      }
      void await_resume() const noexcept {
      }
    };
    co_await rogue{&self, &suspended};
  });
  auto [self, token] = f.get();
  // Wrong on purpose: the frame is resumed from main, outside the actor.
  self->resume_await(token);
  return 0; // not reached: the check aborts
}
