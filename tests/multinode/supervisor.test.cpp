// A supervisor (troupe/actors/supervisor.hpp) with a child on another process: a killed remote
// child is restarted there; once that process is gone the child cannot be started again and
// the supervisor ends saying so.
#include <condition_variable>
#include <csignal>
#include <memory>
#include <mutex>

#include <catch2/catch.hpp>

#include <caf/send.hpp>

#include <troupe/actors/supervisor.hpp>
#include <troupe/troupe.hpp>

#include "nodes.hpp"

using namespace std::chrono_literals;
using namespace troupe::test;
namespace ta = troupe::actors;

TEST_CASE("supervisor restarts a child on another process, and gives up once that process is gone",
          "[multinode][supervisor]") {
  // The farm test node serves "square" workers: as children they wait for a farm that never
  // comes, which is all a child needs to do here.
  listener server{TROUPE_TEST_FARM_NODE_EXE};
  troupe::node_config cfg{"supervisor-test"};
  cfg.threads = 2;
  cfg.set("middleman.heartbeat-interval", caf::timespan{500ms});
  cfg.set("middleman.connection-timeout", caf::timespan{2s});
  auto n = troupe::node::start(std::move(cfg));
  REQUIRE(n);
  auto where = troupe::parse_endpoint(server.address(), "listener");
  REQUIRE(where);
  auto peer = n->join(*where, 10s);
  REQUIRE(peer);
  // Each start is noted, so that the test waits for the restart instead of polling.
  struct starts {
    std::mutex mtx;
    std::condition_variable cv;
    int count = 0;
  };
  auto log = std::make_shared<starts>();
  ta::child_spec remote{"remote", [p = *peer, log](troupe::node& here) {
                          auto made = here.spawn_remote(p, "square", caf::make_message(), 5s);
                          std::lock_guard<std::mutex> guard{log->mtx};
                          ++log->count;
                          log->cv.notify_all();
                          return made;
                        }};
  auto sup = ta::start_supervisor(*n, {.name = "s", .max_restarts = 5}, {remote});
  REQUIRE(sup);
  auto before = ta::supervised_children(*n, *sup);
  REQUIRE(before);
  REQUIRE(before->at(0));
  CHECK(before->at(0).node() != n->system().node());
  caf::anon_send_exit(before->at(0), caf::exit_reason::kill);
  {
    std::unique_lock<std::mutex> lock{log->mtx};
    REQUIRE(log->cv.wait_for(lock, 30s, [&] { return log->count >= 2; }));
  }
  // Asked after the restart's start returned: the supervisor answers once it took the child.
  auto now = ta::supervised_children(*n, *sup);
  REQUIRE(now);
  REQUIRE(now->at(0));
  CHECK(now->at(0) != before->at(0));
  CHECK(now->at(0).node() == before->at(0).node()); // restarted on the other process
  server.proc.signal(SIGKILL);
  auto ended = n->wait(*sup, 60s);
  REQUIRE_FALSE(ended);
  CHECK_THAT(ended.error().message(),
             Catch::Contains("supervisor 's': child 'remote' could not be started: "));
}
