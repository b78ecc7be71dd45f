#include "internal/checkpoint_keeper.hpp"

namespace troupe::actors::detail {

namespace {

troupe::error checkpoint_failed(std::int64_t step, const std::string& why) {
  return troupe::error{errc::actor_exited,
                       "driver: checkpoint at step " + std::to_string(step) + ": " + why};
}

} // namespace

void checkpoint_keeper::begin(std::int64_t step, const parameters& now) {
  collecting c;
  c.info.program = plan_.program;
  c.info.step = step;
  c.info.time = static_cast<double>(step) * plan_.time_step;
  c.info.layout = plan_.layout;
  for (std::size_t i = 0; i < now.names.size(); ++i)
    c.info.parameters[now.names[i]] = now.values[i];
  c.parts.resize(plan_.parts);
  open_.emplace(std::move(c));
}

result<void> checkpoint_keeper::add(checkpoint_piece piece) {
  if (!open_ || piece.step != open_->info.step || piece.rank >= plan_.parts)
    return checkpoint_failed(piece.step, "part " + std::to_string(piece.rank) +
                                             " sent its state for a checkpoint not taken");
  if (!piece.kept)
    return checkpoint_failed(piece.step,
                             "part " + std::to_string(piece.rank) +
                                 " keeps no state (it calls at_boundary without one); pass the "
                                 "part's state to at_boundary, or run without checkpoints");
  open_->parts[piece.rank] = std::move(piece.bytes);
  if (++open_->arrived < plan_.parts)
    return {};
  auto done = std::move(*open_);
  open_.reset();
  if (writer_->busy()) {
    held_.emplace(std::move(done));
    return {};
  }
  return hand_over(std::move(done));
}

result<std::filesystem::path> checkpoint_keeper::written() {
  // Only this keeper starts writes: not busy now means the outcome is there, unread.
  if (writer_->busy())
    return std::filesystem::path{};
  if (auto previous = writer_->wait(); !previous)
    return previous.error();
  auto done = last_; // the one write in flight was the last handed over
  if (held_) {
    auto next = std::move(*held_);
    held_.reset();
    if (auto started = hand_over(std::move(next)); !started)
      return started.error();
  }
  return done;
}

result<void> checkpoint_keeper::finish() {
  if (open_)
    return checkpoint_failed(open_->info.step, std::to_string(plan_.parts - open_->arrived) +
                                                   " parts ended without sending their state");
  if (!held_)
    return {};
  auto done = std::move(*held_);
  held_.reset();
  return hand_over(std::move(done));
}

result<void> checkpoint_keeper::hand_over(collecting done) {
  auto step = done.info.step;
  last_ = checkpoint_path(writer_->dir(), step);
  if (auto previous = writer_->start(std::move(done.info), std::move(done.parts)); !previous)
    return checkpoint_failed(step, "the write before it failed: " + previous.error().message());
  return {};
}

} // namespace troupe::actors::detail
