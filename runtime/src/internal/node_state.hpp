// Internal: the state behind troupe::node, shared with actors through their node_config.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/actor_system.hpp>

#include <troupe/detail/actor_record.hpp>
#include <troupe/node.hpp>

namespace troupe::detail {

/// Every live troupe actor of a node, for snapshots and shutdown.
class registry {
public:
  void add(const actor_record_ptr& rec, caf::actor_addr addr);
  void remove(std::uint64_t id) noexcept;
  std::vector<std::pair<actor_record_ptr, caf::actor_addr>> entries() const;
  std::size_t size() const;

private:
  mutable std::mutex mtx_;
  std::unordered_map<std::uint64_t, std::pair<actor_record_ptr, caf::actor_addr>> map_;
};

class node_state {
public:
  explicit node_state(node_config& cfg) : cfg(&cfg) {
  }

  node_config* cfg;
  registry actors;
  std::unique_ptr<caf::actor_system> sys;
  std::optional<endpoint> bound;
  std::optional<peer> joined;
  caf::actor spawner;
  std::mutex factories_mtx;
  std::unordered_map<std::string, actor_factory> factories;
};

/// The node state of `sys`, or nullptr when `sys` was not started by a troupe::node.
node_state* state_of(caf::actor_system& sys) noexcept;

} // namespace troupe::detail

namespace troupe::detail {

/// Reads one record into an `actor_info` (introspection.cpp).
actor_info read_record(const actor_record& rec);

} // namespace troupe::detail
