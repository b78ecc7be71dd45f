#include <troupe/task.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace {

// Drives a task to completion from plain code: tasks are lazy, so something must await them.
struct sync_runner {
  struct promise_type {
    sync_runner get_return_object() noexcept {
      return {};
    }
    std::suspend_never initial_suspend() noexcept {
      return {};
    }
    std::suspend_never final_suspend() noexcept {
      return {};
    }
    void return_void() noexcept {
    }
    void unhandled_exception() {
      throw;
    }
  };
};

template <class T>
sync_runner drive(troupe::task<T> t, T& out) {
  out = co_await std::move(t);
}

troupe::task<int> forty_two(std::vector<const char*>& log) {
  log.push_back("started");
  co_return 42;
}

troupe::task<int> add(int depth) {
  if (depth == 0)
    co_return 0;
  co_return 1 + co_await add(depth - 1);
}

troupe::task<int> thrower() {
  throw std::runtime_error("boom");
  co_return 0;
}

troupe::task<int> catcher() {
  try {
    co_return co_await thrower();
  } catch (const std::runtime_error& e) {
    co_return std::string{e.what()} == "boom" ? 7 : -1;
  }
}

} // namespace

TEST_CASE("task does not start until awaited", "[runtime][task]") {
  std::vector<const char*> log;
  auto t = forty_two(log);
  CHECK(log.empty());
  int out = 0;
  drive(std::move(t), out);
  CHECK(out == 42);
  REQUIRE(log.size() == 1);
}

TEST_CASE("task chains of 100000 awaits run in constant stack", "[runtime][task]") {
  // Without symmetric transfer each nested completion would add stack frames and overflow.
  // g++ makes the transfer a tail call only when optimising.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__OPTIMIZE__)
  WARN("skipped: g++ without optimisation does not turn symmetric transfer into tail calls");
  return;
#endif
  int out = -1;
  drive(add(100000), out);
  CHECK(out == 100000);
}

TEST_CASE("task rethrows an exception at co_await", "[runtime][task]") {
  int out = 0;
  drive(catcher(), out);
  CHECK(out == 7);
}

TEST_CASE("task destroyed before it runs frees its frame without running it", "[runtime][task]") {
  std::vector<const char*> log;
  {
    auto t = forty_two(log);
    CHECK(t.valid());
  }
  CHECK(log.empty());
}

namespace {

troupe::task<int> await_named(std::vector<const char*>& log) {
  auto t = forty_two(log);
  int first = co_await t;
  co_return first + 1;
}

} // namespace

TEST_CASE("task named by an lvalue can be awaited", "[runtime][task]") {
  std::vector<const char*> log;
  int out = 0;
  drive(await_named(log), out);
  CHECK(out == 43);
  CHECK(log.size() == 1);
}

namespace {

troupe::task<int> await_empty(std::string& what) {
  troupe::task<int> none;
  try {
    co_return co_await none;
  } catch (const troupe::broken_task& e) {
    what = e.what();
  }
  co_return -1;
}

} // namespace

TEST_CASE("task that holds no coroutine fails at co_await with broken_task", "[runtime][task]") {
  std::string what;
  int out = 0;
  drive(await_empty(what), out);
  CHECK(out == -1);
  CHECK_THAT(what, Catch::Contains("holds no coroutine"));
}
