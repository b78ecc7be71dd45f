#include <troupe/actors/supervisor.hpp>

#include <algorithm>
#include <deque>
#include <memory>

#include <caf/send.hpp>

#include <troupe/behavior.hpp>
#include <troupe/launch.hpp>
#include <troupe/request.hpp>
#include <troupe/spawn.hpp>

namespace troupe::actors {

namespace detail {

/// The news, from the supervisor's own watch, that generation `gen` of child `index` ended.
struct child_down {
  std::size_t index;
  std::uint64_t gen;
  result<void> how;
};

/// Asks a supervisor for its children (local only).
struct children_query {};

} // namespace detail
} // namespace troupe::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::actors::detail::child_down)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::actors::detail::children_query)

namespace troupe::actors {

namespace {

struct child {
  child_spec spec;
  caf::actor handle;
  // Bumped for every start: the end of a child the supervisor ended itself (to restart it
  // with its siblings) carries an old generation and is not a failure.
  std::uint64_t gen = 0;
  bool finished = false; // ended normally, not to be restarted
};

class supervisor_state {
public:
  supervisor_state(context& self, node& n, supervisor_options opts, std::vector<child_spec> specs)
    : self_(self)
    , node_(n)
    , opts_(std::move(opts)) {
    for (auto& s : specs)
      children_.push_back(child{std::move(s), {}, 0, false});
    // The children end with their supervisor, however it ends.
    self_.attach_functor([kids = kids_]() {
      for (auto& k : *kids)
        if (k)
          caf::anon_send_exit(k, caf::exit_reason::kill);
    });
  }

  void start_all() {
    for (std::size_t i = 0; i < children_.size(); ++i)
      if (!start(i))
        return;
    if (children_.empty())
      self_.quit();
  }

  std::vector<caf::actor> current() const {
    std::vector<caf::actor> out;
    for (auto& c : children_)
      out.push_back(c.handle);
    return out;
  }

  void on_down(const detail::child_down& news) {
    auto& c = children_[news.index];
    if (news.gen != c.gen || ended_)
      return; // one the supervisor ended itself
    c.handle = {};
    sync();
    bool restart = c.spec.restart == restart_policy::permanent ||
                   (c.spec.restart == restart_policy::transient && !news.how);
    if (!restart) {
      c.finished = true;
      if (std::all_of(children_.begin(), children_.end(), [](auto& k) { return k.finished; }))
        self_.quit();
      return;
    }
    auto why = news.how ? std::string{"it ended"} : news.how.error().message();
    auto now = std::chrono::steady_clock::now();
    recent_.push_back(now);
    while (!recent_.empty() && now - recent_.front() > opts_.period)
      recent_.pop_front();
    if (static_cast<int>(recent_.size()) > opts_.max_restarts) {
      give_up("child '" + c.spec.name + "' failed " + std::to_string(recent_.size()) +
              " times within " + std::to_string(opts_.period.count()) + " ms: " + why);
      return;
    }
    auto first = news.index;
    auto last = news.index + 1;
    if (opts_.strategy == restart_strategy::one_for_all) {
      first = 0;
      last = children_.size();
    } else if (opts_.strategy == restart_strategy::rest_for_one) {
      last = children_.size();
    }
    for (auto i = first; i < last; ++i)
      if (i != news.index && children_[i].handle) {
        ++children_[i].gen; // its end is ours, not a failure
        self_.send_exit(children_[i].handle, caf::exit_reason::kill);
        children_[i].handle = {};
      }
    for (auto i = first; i < last; ++i)
      if (!children_[i].finished || i == news.index)
        if (!start(i))
          return;
  }

private:
  bool start(std::size_t i) {
    auto& c = children_[i];
    auto made = c.spec.start ? c.spec.start(node_)
                             : result<caf::actor>{error{errc::bad_option, "no start function"}};
    if (!made || !*made) {
      give_up("child '" + c.spec.name + "' could not be started: " +
              (made ? std::string{"its start function gave no actor"} : made.error().message()));
      return false;
    }
    c.handle = std::move(*made);
    c.finished = false;
    auto gen = ++c.gen;
    self_.watch(c.handle, [ctx = &self_, i, gen](const result<void>& how) {
      ctx->send(ctx->handle(), detail::child_down{i, gen, how});
    });
    sync();
    return true;
  }

  void sync() {
    *kids_ = current();
  }

  void give_up(const std::string& why) {
    ended_ = true;
    self_.quit(caf::make_error(caf::sec::runtime_error,
                               "supervisor '" + opts_.name + "': " + why)); // children: see ctor
  }

  context& self_;
  node& node_;
  supervisor_options opts_;
  std::vector<child> children_;
  std::shared_ptr<std::vector<caf::actor>> kids_ = std::make_shared<std::vector<caf::actor>>();
  std::deque<std::chrono::steady_clock::time_point> recent_;
  bool ended_ = false;
};

troupe::behavior supervise(context& self, node* n, supervisor_options opts,
                           std::vector<child_spec> specs) {
  auto state = std::make_shared<supervisor_state>(self, *n, std::move(opts), std::move(specs));
  state->start_all();
  return {
      [state](const detail::child_down& news) { state->on_down(news); },
      [state](const detail::children_query&) { return state->current(); },
  };
}

} // namespace

result<caf::actor> start_supervisor(node& n, supervisor_options opts,
                                    std::vector<child_spec> children) {
  if (opts.max_restarts < 0)
    return error{errc::bad_option,
                 "supervisor '" + opts.name + "': max_restarts must be at least 0"};
  auto name = opts.name;
  return spawn(n, {.name = name, .type = "supervisor"}, supervise, &n, std::move(opts),
               std::move(children));
}

result<std::vector<caf::actor>> supervised_children(node& n, const caf::actor& supervisor,
                                                    duration timeout) {
  auto asked = launch(
      n,
      [](context& self, caf::actor sup, duration t) -> task<result<std::vector<caf::actor>>> {
        detail::children_query q;
        co_return co_await request<std::vector<caf::actor>>(self, sup, t, q);
      },
      supervisor, timeout);
  auto got = asked.get(timeout + std::chrono::seconds{1});
  if (!got)
    return got.error();
  return *got;
}

} // namespace troupe::actors
