#include <troupe/actors/boundary.hpp>

#include <algorithm>

#include <troupe/node.hpp>
#include <troupe/receive.hpp>

namespace troupe::actors {

namespace {

// The driver's answer for `step` of `run`, or the news that the driver ended. Trivially
// copyable: g++ 12 may copy it.
struct answer_for {
  std::uint64_t run;
  std::int64_t step;

  bool operator()(const boundary& b) const noexcept {
    return b.run == run && (b.step == step || !b.failure.empty());
  }
};

} // namespace

std::optional<double> parameters::get(std::string_view name) const {
  auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end())
    return std::nullopt;
  return values[static_cast<std::size_t>(it - names.begin())];
}

void parameters::set(const std::string& name, double value) {
  auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) {
    values[static_cast<std::size_t>(it - names.begin())] = value;
    return;
  }
  names.push_back(name);
  values.push_back(value);
}

void add_driver_types(caf::actor_system_config& cfg) {
  add_group_type(cfg);
  cfg.add_message_type<parameters>("troupe::actors::parameters");
  cfg.add_message_type<part_link>("troupe::actors::part_link");
  cfg.add_message_type<boundary>("troupe::actors::boundary");
  cfg.add_message_type<boundary_report>("troupe::actors::boundary_report");
  cfg.add_message_type<checkpoint_piece>("troupe::actors::checkpoint_piece");
}

task<result<boundary>> at_boundary(context& self, part_link& link, std::int64_t step) {
  auto got = co_await detail::boundary_answer(self, link, step);
  // The driver learns that this part keeps no state, rather than waiting for it.
  if (got && got->checkpoint)
    detail::send_piece(self, link, step, false, {});
  co_return got;
}

namespace detail {

void send_piece(context& self, const part_link& link, std::int64_t step, bool kept,
                part_bytes bytes) {
  auto rank = link.parts.rank_of(self.address()).value_or(link.parts.size());
  self.send(link.driver, checkpoint_piece{link.run, step, rank, kept, std::move(bytes)});
}

task<result<boundary>> boundary_answer(context& self, part_link& link, std::int64_t step) {
  if (!link.due(step)) {
    boundary go_on;
    go_on.run = link.run;
    go_on.step = step;
    co_return go_on;
  }
  if (!link.watching) {
    link.watching = true;
    // A driver that ends leaves no part waiting for its answer.
    self.watch(link.driver,
               [ctx = &self, run = link.run,
                label = ::troupe::detail::actor_label(link.driver)](const result<void>& how) {
                 boundary news;
                 news.run = run;
                 news.failure = "the driver, " + label + ", ended" +
                                (how ? std::string{} : ": " + how.error().message());
                 ctx->send(ctx->handle(), std::move(news));
               });
  }
  auto rank = link.parts.rank_of(self.address());
  self.send(link.driver, boundary_report{link.run, step, rank.value_or(link.parts.size())});
  auto got = co_await receive<boundary>(self, where(answer_for{link.run, step}));
  if (!got.failure.empty())
    co_return error{errc::actor_exited,
                    "boundary after step " + std::to_string(step) + ": " + got.failure};
  co_return got;
}

} // namespace detail

} // namespace troupe::actors
