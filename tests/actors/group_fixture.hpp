// Helpers for the tests of groups and collectives: a node with N workers, and a group of
// coroutine members whose lines the test reads once every member ended (bounded waits).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <troupe/actors/collectives.hpp>
#include <troupe/actors/group.hpp>
#include <troupe/troupe.hpp>

namespace troupe::test {

using namespace std::chrono_literals;

/// A started node with `threads` workers; fails the test if it cannot start.
inline troupe::node group_node(std::size_t threads) {
  troupe::node_config cfg{"test"};
  cfg.threads = threads;
  auto n = troupe::node::start(std::move(cfg));
  if (!n)
    FAIL("node did not start: " << n.error().message());
  return std::move(*n);
}

/// What each member reported, by rank.
class lines {
public:
  explicit lines(std::size_t n)
    : by_rank_(n) {
  }

  void add(std::size_t rank, std::string line) {
    std::lock_guard<std::mutex> guard{mtx_};
    by_rank_.at(rank).push_back(std::move(line));
  }

  std::vector<std::vector<std::string>> get() {
    std::lock_guard<std::mutex> guard{mtx_};
    return by_rank_;
  }

private:
  std::mutex mtx_;
  std::vector<std::vector<std::string>> by_rank_;
};

/// Waits (at most 30 s each) until every member of `g` ended; fails naming a member that did
/// not. A member that ended with an error is fine: tests check what it reported.
inline void await_members(troupe::node& n, const troupe::actors::group& g) {
  for (std::size_t r = 0; r < g.size(); ++r) {
    auto ended = n.wait(g[r], 30s);
    if (!ended && ended.error() == troupe::errc::timeout)
      FAIL("member " << g.describe(r) << " still runs after 30 s: " << ended.error().message());
  }
}

/// The rank of the calling member in `g`.
inline std::size_t rank_in(troupe::context& self, const troupe::actors::group& g) {
  return g.rank_of(self.address()).value();
}

/// "ok <value>" or "error <message>".
template <class T>
std::string show(const troupe::result<T>& r) {
  if (!r)
    return "error " + r.error().message();
  if constexpr (std::is_void_v<T>)
    return "ok";
  else
    return "ok " + std::to_string(*r);
}

} // namespace troupe::test
