#include <troupe/actors/halo.hpp>

#include <troupe/numerics/errc.hpp>
#include <troupe/receive.hpp>

namespace troupe::actors {

namespace {

constexpr unsigned bit(side s) noexcept {
  return 1U << static_cast<unsigned>(s);
}

// The halo messages that an exchange of `step` still waits for, on the sides in `sides`: a
// neighbour's edge of that step, or the news that the neighbour ended. Trivially copyable:
// g++ 12 may copy it.
struct wanted {
  std::uint64_t grid;
  std::int64_t step;
  unsigned sides;

  bool operator()(const halo_message& m) const noexcept {
    return m.grid == grid && (sides & bit(m.fills)) != 0 && (m.ended || m.step == step);
  }
};

} // namespace

void add_halo_types(caf::actor_system_config& cfg) {
  add_block_type(cfg);
  cfg.add_message_type<halo_message>("troupe::actors::halo_message");
}

halo_links::halo_links(const group& parts, const tile_layout& layout, std::int64_t rank)
  : grid_(parts.id()) {
  for (auto s : all_sides) {
    auto n = layout.neighbour(rank, s);
    if (!n)
      continue;
    auto i = static_cast<std::size_t>(s);
    auto r = static_cast<std::size_t>(*n);
    to_[i] = parts.members().at(r);
    labels_[i] = parts.describe(r);
  }
}

std::string halo_links::describe(side s) const {
  return std::string{"the "} + to_string(s) + " neighbour (" +
         labels_[static_cast<std::size_t>(s)] + ")";
}

void halo_links::watch(context& self) {
  if (watching_)
    return;
  watching_ = true;
  for (auto s : all_sides) {
    auto& who = beyond(s);
    if (!who)
      continue;
    // The message goes behind everything the neighbour sent before it ended.
    self.watch(who, [ctx = &self, grid = grid_, s](const result<void>& how) {
      halo_message news;
      news.grid = grid;
      news.fills = s;
      news.ended = true;
      news.reason = how ? std::string{"it returned"} : how.error().message();
      // Only a lost link keeps its code: the others are the neighbour's end, whatever ended it.
      if (!how && how.error() == errc::unreachable)
        news.code = errc::unreachable;
      ctx->send(ctx->handle(), std::move(news));
    });
  }
}

task<result<void>> exchange_halos(context& self, halo_links& links, tile& t, std::int64_t step) {
  links.watch(self);
  for (auto s : all_sides)
    if (auto& to = links.beyond(s))
      self.send(to, halo_message{links.grid(), step, opposite(s), false, {}, t.edge(s)});
  // The halos are taken as they come, and the await graph names every neighbour whose halo of
  // this step has not come yet.
  unsigned sides = 0;
  for (auto s : all_sides)
    if (links.beyond(s))
      sides |= bit(s);
  while (sides != 0) {
    caf::actor waiting[all_sides.size()];
    std::size_t count = 0;
    for (auto s : all_sides)
      if ((sides & bit(s)) != 0)
        waiting[count++] = links.beyond(s);
    troupe::detail::expected_senders from{waiting, count, "halo"};
    auto m = co_await troupe::receive<halo_message>(
        self, troupe::where(wanted{links.grid(), step, sides}), from);
    auto s = m.fills;
    sides &= ~bit(s);
    auto what = "halo exchange of step " + std::to_string(step) + ": ";
    if (m.ended)
      co_return error{m.code, what + links.describe(s) + " ended before sending its edge (" +
                                  m.reason + ")"};
    if (!t.fill_halo(s, m.values))
      co_return numerics::make_error(numerics::errc::dimension_mismatch,
                                     what + links.describe(s) + " sent " +
                                         std::to_string(m.values.size()) +
                                         " values for this tile's " + to_string(s) +
                                         " side: do both parts use the same tile_layout?");
  }
  co_return result<void>{};
}

} // namespace troupe::actors
