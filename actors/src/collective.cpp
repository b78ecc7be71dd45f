#include <troupe/actors/detail/collective.hpp>

#include <cstdio>
#include <system_error>

namespace troupe::actors::detail {

const char* payload_name(std::size_t index) noexcept {
  switch (index) {
    case payload_index<std::monostate>:
      return "nothing (a barrier)";
    case payload_index<double>:
      return "a double";
    case payload_index<std::int64_t>:
      return "a std::int64_t";
    case payload_index<block>:
      return "a troupe::actors::block";
    default:
      return "a failure notice";
  }
}

collective::collective(context& self, group& g, const char* what)
  : self_(&self)
  , group_(&g)
  , state_(&state_of(g, self))
  , seq_(state_->seq++)
  , what_(what) {
}

std::string collective::prefix() const {
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(group_->id()));
  return std::string{what_} + " #" + std::to_string(seq_) + " on group " + id + ": ";
}

std::optional<troupe::error> collective::start_error(std::size_t root) const {
  if (!state_->rank)
    return troupe::error{std::make_error_code(std::errc::invalid_argument),
                         prefix() + "actor '" + self_->name() + "' (id " +
                             std::to_string(self_->id()) + ") is not a member of this group of " +
                             std::to_string(size()) + ": run collectives from its members"};
  if (root >= size())
    return troupe::error{std::make_error_code(std::errc::invalid_argument),
                         prefix() + "root " + std::to_string(root) +
                             " is not a rank of a group of " + std::to_string(size())};
  if (state_->broken)
    return broken_error();
  return std::nullopt;
}

troupe::error collective::broken_error() const {
  return {state_->broken->code(), prefix() + state_->broken->message()};
}

void collective::send(const std::vector<std::size_t>& to, std::uint32_t phase, payload value) {
  // A message of its own for each: one caf::message shared between receivers is copied on
  // write by all but the last anyway, and its reference count, inside uninstrumented CAF, hides
  // that hand-off from ThreadSanitizer.
  for (std::size_t i = 0; i < to.size(); ++i)
    send(to[i], phase, i + 1 < to.size() ? payload{value} : std::move(value));
}

void collective::send(std::size_t to, std::uint32_t phase, payload value) {
  self_->send((*group_)[to],
              collective_message{group_->id(), seq_, phase, static_cast<std::uint32_t>(rank()),
                                 std::move(value)});
}

troupe::error collective::fail(const failure& why, bool notify) {
  state_->broken = troupe::error{why.code, why.what};
  if (notify) {
    std::vector<std::size_t> others;
    for (std::size_t r = 0; r < size(); ++r)
      if (r != rank())
        others.push_back(r);
    send(others, failed_phase, why);
  }
  return broken_error();
}

troupe::error collective::fail(const std::string& cause, bool notify) {
  return fail(failure{errc::actor_exited, cause}, notify);
}

std::optional<troupe::error> collective::before_wait(std::size_t from) {
  if (state_->broken)
    return broken_error();
  if (!state_->watched[from]) {
    state_->watched[from] = true;
    // The news comes as a message that this member's waits for `from` also accept: a value
    // `from` sent before it ended is older, so it is taken first.
    self_->watch((*group_)[from], [self = self_, id = group_->id(), from,
                                   label = group_->label(from)](const result<void>& how) {
      auto cause = "rank " + std::to_string(from) + ", " + label;
      // Only a lost link keeps its code: the others are this member's end, whatever ended it.
      auto code = !how && how.error() == errc::unreachable ? errc::unreachable : errc::actor_exited;
      if (how) {
        cause += " ended (it returned) before its part of a collective";
      } else if (how.error() == errc::exception) {
        cause += " ended with an exception: " + how.error().message();
      } else {
        // "<label> ended with <reason>" says it already; other errors are added whole.
        auto& text = how.error().message();
        cause += text.starts_with(label + " ") ? text.substr(label.size()) : " ended: " + text;
      }
      self->send(self->handle(),
                 collective_message{id, ended_seq, 0, static_cast<std::uint32_t>(from),
                                    failure{code, std::move(cause)}});
    });
  }
  return std::nullopt;
}

result<payload> collective::settle(collective_message m, std::size_t from, std::size_t expected) {
  if (m.seq == ended_seq)
    return fail(std::get<failure>(m.value), true);
  if (m.phase == failed_phase)
    return fail(std::get<failure>(m.value), false);
  if (m.value.index() != expected)
    return fail(group_->describe(from) + " sent " + payload_name(m.value.index()) + " where " +
                    group_->describe(rank()) + " expected " + payload_name(expected) +
                    ": every member must run the same collectives with the same value type",
                true);
  return std::move(m.value);
}

} // namespace troupe::actors::detail
