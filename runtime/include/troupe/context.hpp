/// @file
/// `troupe::context`: a troupe actor, the `self` that coroutines and handlers receive.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_traits.hpp>
#include <caf/atom.hpp>
#include <caf/extend.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message.hpp>
#include <caf/mixin/requester.hpp>
#include <caf/mixin/sender.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/system_messages.hpp>
#include <caf/type_erased_tuple.hpp>

#include <troupe/assert.hpp>
#include <troupe/detail/actor_record.hpp>
#include <troupe/detail/root.hpp>
#include <troupe/result.hpp>
#include <troupe/spawn_options.hpp>
#include <troupe/task.hpp>

namespace troupe {

/// How long an await may take; `infinite` never times out.
using duration = std::chrono::nanoseconds;

/// A duration that never expires.
inline constexpr duration infinite = duration::max();

class context;

namespace detail {

struct root_access;
struct clock_access;
class node_state;
class stash;
class watch_table;

/// A message a receive took: its elements, who sent it, and its id (a request's needs an answer).
struct received_message {
  caf::message content;
  caf::strong_actor_ptr sender;
  caf::message_id mid;
};

// CAF's spawn turns actor pointers among the arguments into handles; a wrapper keeps ours.
struct parent_ref {
  const context* ptr;
};

/// What a spawned actor keeps of its body beyond the coroutine frame: a behavior actor's
/// function and arguments (its handlers are built once, when the actor starts, and may refer
/// to them), or a coroutine body's function object when it has state the frame refers to.
class body_storage {
public:
  virtual ~body_storage() = default;

  /// The handlers of a behavior actor (called once, when it starts).
  virtual caf::behavior make(context& self);
};

/// What a spawned actor runs, handed to its constructor: `make(self, args)` creates the body
/// from the spawner's function and arguments, which `args` points at on the spawner's stack
/// (the constructor runs inside the spawn call), by calling `self.set_body`.
struct actor_body {
  void (*make)(context& self, void* args);
  void* args;
  /// "coroutine" or "behavior": the actor's type unless spawn_options names one.
  const char* kind;
};

/// Whether two node ids name the same node. A node_id is one pointer to shared data (CAF
/// asserts as much); every local actor's id points at the system's, so comparing the pointers
/// first skips CAF's out-of-line compare on each local send.
inline bool same_node(const caf::node_id& a, const caf::node_id& b) noexcept {
  static_assert(sizeof(caf::node_id) == sizeof(void*));
  void* pa = nullptr;
  void* pb = nullptr;
  std::memcpy(&pa, &a, sizeof pa);
  std::memcpy(&pb, &b, sizeof pb);
  return pa == pb || a == b;
}

/// The CAF base of a troupe actor: a scheduled actor with `send` and `request`, like
/// `caf::event_based_actor` without group subscriptions and `become`. CAF casts every job it
/// runs to its actor with `dynamic_cast`, whose cost grows with the depth of the class
/// hierarchy: `context` over this base is one level shallower than a raw CAF actor, which pays
/// for troupe's bookkeeping per message (docs/PERFORMANCE.md). (The mixins call `context()`
/// on their subtype, which therefore is not `troupe::context` itself.)
class actor_core : public caf::extend<caf::scheduled_actor,
                                      actor_core>::with<caf::mixin::sender, caf::mixin::requester>,
                   public caf::dynamically_typed_actor_base {
public:
  using super = caf::extend<caf::scheduled_actor, actor_core>::with<caf::mixin::sender,
                                                                    caf::mixin::requester>;

  /// Required by CAF's spawn: handles to troupe actors are `caf::actor`.
  using signatures = caf::none_t;
  using behavior_type = caf::behavior;

  explicit actor_core(caf::actor_config& cfg)
    : super(cfg) {
  }
};

} // namespace detail

/// A troupe actor: a CAF actor whose coroutines always resume inside it.
///
/// Coroutines get a `context&` as `self`; its awaitables (`request`, `receive`, `sleep`,
/// `parallel_for`) suspend the coroutine without blocking the worker thread, and whatever
/// completes them delivers the continuation back to this actor (Decision 3 of DESIGN.md).
class context final : public detail::actor_core {
public:
  using super = detail::actor_core;

  /// Called by troupe's spawn functions: `opts` names the actor, `body` is what it runs.
  context(caf::actor_config& cfg, const spawn_options& opts, detail::actor_body body,
          detail::parent_ref parent);

  ~context() override;

  // -- identity ---------------------------------------------------------------------------

  /// This actor as a handle to send to or store.
  [[nodiscard]] caf::actor handle() noexcept;

  /// The name given at spawn (or "actor-<id>"); also what CAF's logs show.
  const char* name() const override {
    return record_.given != nullptr && !record_.given->name.empty() ? record_.given->name.c_str()
                                                                    : record_.kind;
  }

  /// The actor that spawned this one; invalid when spawned from the node or when it ended.
  [[nodiscard]] caf::actor parent() const noexcept {
    return caf::actor_cast<caf::actor>(parent_);
  }

  /// The sender of the message most recently delivered by `receive`.
  [[nodiscard]] const caf::strong_actor_ptr& last_sender() const noexcept {
    return last_sender_;
  }

  // -- messaging --------------------------------------------------------------------------

  /// Sends `xs...` to `dest` asynchronously. Throws `troupe::bad_result_access` (the actor's
  /// exit reason if uncaught) when `dest` is remote and an element type is not registered.
  template <class Dest, class... Ts>
  void send(const Dest& dest, Ts&&... xs) {
    auto* target = caf::actor_cast<caf::actor_control_block*>(dest);
    if (target != nullptr && !detail::same_node(target->node(), home_system().node())) {
      // Only messages to other nodes need serializable types: check those, and only those.
      auto msg = caf::make_message(std::forward<Ts>(xs)...);
      check_portable(caf::actor_cast<caf::strong_actor_ptr>(dest), msg).value();
      detail::bump(record_.sent);
      super::send(dest, std::move(msg));
      return;
    }
    detail::bump(record_.sent);
    super::send(dest, std::forward<Ts>(xs)...);
  }

  // -- watching other actors --------------------------------------------------------------

  /// Runs `on_end` inside this actor when `who` ends, with how it ended: a value when it ended
  /// normally, else its exit reason as an error: `errc::exception` with the text of the
  /// exception that ended it (the code and text of a troupe error whose `result::value()`
  /// threw), `errc::unreachable` naming `who` when it is on another node whose connection broke
  /// or timed out, `errc::actor_exited` naming `who` and the reason otherwise. Returns an id for
  /// `unwatch`; an invalid `who` is never watched (0).
  ///
  /// Unlike CAF's `monitor` with its one `set_down_handler` per actor, any number of watches
  /// (a library's and the program's) coexist, and the down message a watch takes never reaches
  /// the down handler. An await fails when a watched actor ends by having `on_end` send this
  /// actor a message its receive also accepts (what collectives do):
  ///
  /// ```cpp
  /// self.watch(peer, [&self](const troupe::result<void>& how) {
  ///   self.send(self.handle(), peer_gone{how ? "ended" : how.error().message()});
  /// });
  /// ```
  std::uint64_t watch(const caf::actor& who, std::function<void(const result<void>&)> on_end);

  /// Cancels the watch `id` (`on_end` will not run); unknown ids are ignored.
  void unwatch(std::uint64_t id) noexcept;

  // -- coroutine machinery (used by troupe's awaiters and spawn functions) ------------------

  /// Starts `t` as a root coroutine owned by this actor; `done` runs when it finishes, with
  /// the exception it threw, if any. Ending the actor destroys roots that are still suspended.
  void start_root(task<void> t, std::function<void(std::exception_ptr)> done);

  /// Sets what this actor runs (called once by troupe's spawn functions, while the actor is
  /// constructed): a coroutine body (`body` valid; `storage` holds what its frame refers to,
  /// if anything), or a behavior body (`storage` builds the handlers).
  void set_body(task<void> body, std::unique_ptr<detail::body_storage> storage);

  /// Registers a new await of `frame`, described by `desc` for introspection, and returns its
  /// token. `match` (receives) says which message resumes it; a completion must name `key`.
  std::uint64_t begin_await(std::coroutine_handle<> frame, detail::await_desc desc,
                            const detail::receive_match* match = nullptr,
                            const void* key = nullptr);

  /// The token the next `begin_await` will return.
  [[nodiscard]] std::uint64_t next_await_token() const noexcept {
    return next_token_;
  }

  /// The pending await for `token`, or nullptr if it finished already.
  detail::pending_await* find_await(std::uint64_t token) noexcept;

  /// Forgets the await (after its awaiter took the result) and cancels its timer, if any.
  void end_await(std::uint64_t token) noexcept;

  /// Resumes the frame waiting on `token`, inside this actor; ignores stale tokens.
  void resume_await(std::uint64_t token);

  /// Gives the await `token` a timer: after `d` it resumes with `timed_out` set, unless the
  /// await ended first (`end_await` cancels the timer). `infinite` sets none.
  void start_timer(std::uint64_t token, duration d);

  /// Tells `owner` that the await `token` completed; resumes it only if that await still
  /// waits and was registered with `key`. Callable from any thread (a kernel's last chunk).
  static void complete(const caf::strong_actor_ptr& owner, std::uint64_t token, const void* key,
                       caf::execution_unit* eu);

  /// Takes the oldest kept message that `match` accepts into `out`; false if none is kept.
  /// (Messages that arrive while no receive or handler takes them are kept for later.)
  bool take_stashed(const detail::receive_match& match, detail::received_message& out);

  /// Makes `msg` the current received message: its sender becomes `last_sender()`, and a
  /// request is answered with `unexpected_message` (receives yield values, not a way to reply).
  void note_received(const caf::strong_actor_ptr& sender, caf::message_id mid);

  /// The error that requests this actor owes get when it ends: `request_receiver_down` (the
  /// requester's `errc::actor_exited`) with the exit reason's text.
  caf::error exit_reply() const;

  /// Returns an error value when `msg` cannot go to `dest` (remote with unregistered types).
  result<void> check_portable(const caf::strong_actor_ptr& dest, const caf::message& msg);

  /// Returns `errc::actor_exited` when `dest` is an actor on another node whose end has reached
  /// this node: CAF drops whatever goes to it, so a request there would only time out.
  result<void> check_alive(const caf::strong_actor_ptr& dest) const;

  /// Converts a CAF error into troupe's, naming `what` was awaited; `remote` adds the causes
  /// that only exist between nodes.
  troupe::error convert(const caf::error& err, const std::string& what, bool remote = false) const;

  /// The introspection record of this actor.
  [[nodiscard]] const detail::actor_record& record() const noexcept {
    return record_;
  }

  /// Counts a message sent on this actor's behalf outside `send` (e.g. a reply).
  void count_sent() noexcept {
    detail::bump(record_.sent);
  }

  // -- CAF overrides ------------------------------------------------------------------------

  void launch(caf::execution_unit* eu, bool lazy, bool hide) override;

  void initialize() override;

  void enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit* eu) override;

  caf::invoke_message_result consume(caf::mailbox_element& x) override;

  bool cleanup(caf::error&& reason, caf::execution_unit* host) override;

  void on_exit() override;

private:
  friend struct detail::root_access;
  friend struct detail::clock_access;

  /// Marks this thread as the one inside the actor for the guard's lifetime; its time goes to
  /// the processing histogram too when `message` (one message's processing time).
  class inside_guard {
  public:
    explicit inside_guard(context& self, bool message = false);
    ~inside_guard();
    inside_guard(const inside_guard&) = delete;
    inside_guard& operator=(const inside_guard&) = delete;

  private:
    context* self_;
    bool message_;
    bool owner_;
    std::uint64_t start_;
  };

  /// Wraps the user's behavior with selective receive: a message that no handler takes goes to
  /// a waiting receive, else to the stash for a later one. A coroutine-body actor consumes its
  /// mailbox only through awaits, so it keeps requests too (`stash_unmatched`); a behavior
  /// actor answers a request that none of its handlers takes with `unexpected_message`, as
  /// CAF does.
  caf::behavior finish_behavior(caf::behavior user, bool stash_unmatched);

  caf::result<caf::message> on_unmatched(caf::message_view& xs);

  /// Handles troupe's own messages (completions, timers) before CAF sees them; true if `x`
  /// was one.
  bool consume_internal(caf::mailbox_element& x);

  /// Runs the watches of the actor that `x`'s down message is about; true if it had any.
  bool consume_down(caf::mailbox_element& x);

  /// Keeps the current message for a later receive (or drops it, counted, when the stash is
  /// full); the result is what CAF answers a request with.
  caf::result<caf::message> keep_unmatched(caf::message_view& xs);

  /// The body's completion hook: ends the actor (with the exception's text if it threw).
  static void body_done(void* self) noexcept;

  void destroy_roots() noexcept;

  detail::actor_record record_;
  detail::node_state* state_;
  caf::actor_addr parent_;
  caf::strong_actor_ptr last_sender_;
  /// A coroutine actor's body until it ends (a root that is not in `roots_`).
  task<void>::handle_type body_;
  /// A behavior actor's body, or what a coroutine body refers to (see set_body).
  std::unique_ptr<detail::body_storage> storage_;
  bool stash_unmatched_ = true;
  /// Whether CAF's clock ever got a timeout of this actor (else ending cancels none).
  bool set_timeouts_ = false;
  /// Messages kept for a later receive (allocated when the first one is kept).
  std::unique_ptr<detail::stash> stash_;
  /// The actors this one watches (allocated by the first `watch`).
  std::unique_ptr<detail::watch_table> watches_;
  std::uint64_t next_token_ = 1;
  /// Suspended roots of coroutine handlers, an intrusive list through their promises.
  detail::root_handle roots_;
};

} // namespace troupe
