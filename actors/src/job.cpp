#include <troupe/actors/job.hpp>

#include <algorithm>
#include <string>

#include <troupe/launch.hpp>
#include <troupe/receive.hpp>

namespace troupe::actors {

namespace {

bool in_job(const node& n) {
  return n.config().size > 1;
}

// Ends when the member `driver` left (a value) or went down (an error naming it).
task<result<void>> until_gone(context& self, caf::node_id driver) {
  subscribe_members(self);
  for (;;) {
    auto e = co_await receive<member_event>(self);
    if (e.who.id != driver)
      continue;
    if (e.who.state == member_state::left)
      co_return result<void>{};
    if (e.who.state == member_state::down)
      co_return error{errc::actor_exited, "the driving node " + e.who.address.to_string() +
                                              " was lost (its connection broke or timed out)"};
  }
}

} // namespace

job_role role_of(const node& n) {
  if (in_job(n))
    return n.config().rank == 0 ? job_role::drive : job_role::serve;
  return n.listening() && !n.joined() ? job_role::serve : job_role::drive;
}

namespace {

// The error of a job whose processes did not all join: how many came.
error fewer_joined(const node& n, const error& why) {
  std::size_t came = 0;
  for (auto& m : n.members())
    came += m.state == member_state::up || m.state == member_state::suspect ? 1 : 0;
  return error{why.code(), "only " + std::to_string(came) + " of the job's " +
                               std::to_string(n.config().size) +
                               " processes joined: " + why.message()};
}

// The members up, this node first, the others in node-id order (members()'s).
std::vector<member> members_up(const node& n) {
  std::vector<member> out;
  for (auto& m : n.members())
    if (m.local || m.state == member_state::up || m.state == member_state::suspect)
      out.push_back(std::move(m));
  std::stable_partition(out.begin(), out.end(), [](const member& m) { return m.local; });
  return out;
}

} // namespace

result<std::vector<member>> run_members(node& n, duration timeout) {
  if (in_job(n))
    if (auto all = n.await_members(n.config().size, timeout); !all)
      return fewer_joined(n, all.error());
  return members_up(n);
}

task<result<std::vector<member>>> run_members(context& self, node& n, duration timeout) {
  if (in_job(n))
    if (auto all = co_await await_members(self, n.config().size, timeout); !all)
      co_return fewer_joined(n, all.error());
  co_return members_up(n);
}

result<void> serve(node& n, hosted& served) {
  if (!in_job(n) || !n.joined()) {
    served.wait();
    return {};
  }
  auto gone = launch(n, {.name = "serve", .type = "job"}, until_gone, n.joined()->id);
  auto how = gone.get();
  if (!how)
    return how.error();
  return *how;
}

} // namespace troupe::actors
