// context::watch: running functions inside an actor when the actors it watches end.
#include <troupe/context.hpp>

#include <algorithm>
#include <exception>

#include <caf/system_messages.hpp>

#include <troupe/behavior.hpp>
#include <troupe/node.hpp>

#include "internal/watch_table.hpp"

namespace troupe {

std::uint64_t context::watch(const caf::actor& who,
                             std::function<void(const result<void>&)> on_end) {
  if (!who)
    return 0;
  if (!watches_)
    watches_ = std::make_unique<detail::watch_table>();
  auto* w = watches_->find(who.address());
  if (w == nullptr) {
    // An actor that ended already answers the monitor at once, with its exit reason.
    monitor(who);
    w = &watches_->watched.emplace_back(
        detail::watched_actor{who.address(), detail::actor_label(who), {}});
  }
  auto id = watches_->next_id++;
  w->watches.emplace_back(id, std::move(on_end));
  return id;
}

void context::unwatch(std::uint64_t id) noexcept {
  if (!watches_)
    return;
  // The monitor stays (CAF's demonitor would also drop the program's own monitors of that
  // actor); its down message is taken here when it comes, with nothing left to run.
  for (auto& w : watches_->watched)
    std::erase_if(w.watches, [id](const auto& entry) { return entry.first == id; });
}

bool context::consume_down(caf::mailbox_element& x) {
  auto& content = x.content();
  if (content.size() != 1 || !content.match_element<caf::down_msg>(0))
    return false;
  auto& down = content.get_as<caf::down_msg>(0);
  auto& watched = watches_->watched;
  auto i = std::find_if(watched.begin(), watched.end(),
                        [&](const auto& w) { return w.who == down.source; });
  if (i == watched.end())
    return false; // the program's own monitor: its down handler takes it
  // Taken out first: a watch's function may start or cancel watches.
  auto ended = std::move(*i);
  watched.erase(i);
  result<void> how;
  if (down.reason)
    how = detail::exit_error(home_system(), ended.label, down.reason);
  try {
    for (auto& entry : ended.watches)
      entry.second(how);
  } catch (...) {
    quit(detail::exception_to_error(std::current_exception()));
  }
  return true;
}

} // namespace troupe
