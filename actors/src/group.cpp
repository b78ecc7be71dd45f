#include <troupe/actors/group.hpp>

#include <atomic>
#include <random>

#include <caf/send.hpp>

#include <troupe/actors/detail/member_state.hpp>
#include <troupe/node.hpp>

namespace troupe::actors {

namespace {

// SplitMix64's finaliser: a bijection, so distinct counters give distinct ids in one process,
// and a random base makes ids of different processes differ with overwhelming probability.
std::uint64_t mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t new_group_id() {
  static const std::uint64_t base = [] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }();
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t id = 0;
  while (id == 0) // 0 is the id of a default-constructed group
    id = mix(base + counter.fetch_add(1, std::memory_order_relaxed));
  return id;
}

} // namespace

group::group(std::vector<caf::actor> members)
  : id_(new_group_id())
  , members_(std::move(members)) {
  labels_.reserve(members_.size());
  for (auto& m : members_)
    labels_.push_back(troupe::detail::actor_label(m));
}

std::optional<std::size_t> group::rank_of(const caf::actor_addr& who) const noexcept {
  for (std::size_t i = 0; i < members_.size(); ++i)
    if (members_[i].address() == who)
      return i;
  return std::nullopt;
}

std::string group::describe(std::size_t rank) const {
  auto label = rank < labels_.size() ? labels_[rank] : "no member";
  return "rank " + std::to_string(rank) + ", " + label;
}

void add_group_type(caf::actor_system_config& cfg) {
  cfg.add_message_type<group>("troupe::actors::group");
}

void announce(const group& g) {
  for (auto& m : g.members())
    caf::anon_send(m, g);
}

detail::member_state& detail::state_of(group& g, context& self) {
  if (!g.state_ || g.state_->owner != self.id()) {
    auto rank = g.rank_of(self.address());
    g.state_ = std::make_shared<member_state>(self.id(), rank, g.size());
  }
  return *g.state_;
}

} // namespace troupe::actors
