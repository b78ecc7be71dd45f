#include <troupe/actors/collectives.hpp>

#include <troupe/actors/group.hpp>

namespace troupe::actors {

namespace {

struct nothing {
  std::monostate operator()(std::monostate, std::monostate) const noexcept {
    return {};
  }
};

} // namespace

void add_collective_types(caf::actor_system_config& cfg) {
  add_block_type(cfg);
  add_group_type(cfg);
  cfg.add_message_type<detail::collective_message>("troupe::actors::collective_message");
}

task<result<void>> barrier(context& self, group& g) {
  detail::collective c{self, g, "barrier"};
  if (auto e = c.start_error())
    co_return *e;
  nothing op;
  auto done = co_await detail::tree_allreduce(c, std::monostate{}, op);
  if (!done)
    co_return done.error();
  co_return result<void>{};
}

} // namespace troupe::actors
