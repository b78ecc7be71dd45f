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

result<std::vector<member>> run_members(node& n, duration timeout) {
  if (in_job(n))
    if (auto all = n.await_members(n.config().size, timeout); !all) {
      std::size_t came = 0;
      for (auto& m : n.members())
        came += m.state == member_state::up || m.state == member_state::suspect ? 1 : 0;
      return error{all.error().code(), "only " + std::to_string(came) + " of the job's " +
                                           std::to_string(n.config().size) +
                                           " processes joined: " + all.error().message()};
    }
  std::vector<member> out;
  for (auto& m : n.members())
    if (m.local || m.state == member_state::up || m.state == member_state::suspect)
      out.push_back(std::move(m));
  // members() is in node-id order; this node goes first, the others keep theirs.
  std::stable_partition(out.begin(), out.end(), [](const member& m) { return m.local; });
  return out;
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
