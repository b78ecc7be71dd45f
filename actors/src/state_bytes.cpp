#include <troupe/actors/state_bytes.hpp>

#include <algorithm>
#include <mutex>
#include <string>
#include <system_error>

namespace troupe::actors::detail {

namespace {

// Buffers below this are cheap to allocate afresh; above, their page faults are not.
constexpr std::size_t pooled_min_bytes = std::size_t{1} << 20;
// At most this many buffers are kept: two checkpoints of 32 parts on one node.
constexpr std::size_t pooled_max_count = 64;

struct byte_pool {
  std::mutex mtx;
  std::vector<part_bytes> free;
};

byte_pool& pool() {
  static byte_pool instance; // outlives every writer thread: they end before main returns
  return instance;
}

} // namespace

part_bytes reusable_bytes() {
  auto& p = pool();
  std::lock_guard<std::mutex> guard{p.mtx};
  if (p.free.empty())
    return {};
  // The largest first: parts of one run differ by a row at most, so the buffers settle at the
  // largest part's size and no part reallocates.
  auto largest = std::max_element(p.free.begin(), p.free.end(),
                                  [](auto& a, auto& b) { return a.capacity() < b.capacity(); });
  auto out = std::move(*largest);
  p.free.erase(largest);
  out.clear();
  return out;
}

void recycle(part_bytes&& bytes) {
  if (bytes.capacity() < pooled_min_bytes)
    return;
  auto& p = pool();
  std::lock_guard<std::mutex> guard{p.mtx};
  if (p.free.size() < pooled_max_count)
    p.free.push_back(std::move(bytes));
}

troupe::error state_error(bool saving, const caf::error& err, std::size_t bytes,
                          const caf::actor_system* sys) {
  auto text = sys ? sys->render(err) : caf::to_string(err);
  std::string message =
      saving ? "cannot save a part's state (after " + std::to_string(bytes) + " bytes): " + text +
                   "; check its inspect overload"
             : "cannot read a part's state back from " + std::to_string(bytes) + " bytes: " + text +
                   "; the bytes hold another type, or were written by another build";
  return troupe::error{std::make_error_code(std::errc::bad_message), std::move(message)};
}

troupe::error state_leftover(std::size_t left, std::size_t bytes) {
  return troupe::error{std::make_error_code(std::errc::bad_message),
                       "a part's state was read back from " + std::to_string(bytes) +
                           " bytes with " + std::to_string(left) +
                           " left over: they hold another type (or another version of it)"};
}

} // namespace troupe::actors::detail
