// Two troupe nodes (tests/multinode/node_main.cpp) in two processes: remote spawn by name,
// a coroutine awaiting a remote reply, user-defined message types, and the errors a user meets.
#include <cerrno>
#include <string>
#include <vector>

#include "nodes.hpp"

using troupe::test::finish_timeout;
using troupe::test::listener;
using troupe::test::process;
using troupe::test::value_of;

namespace {

// Runs `node_main --join <server> --scenario <name>` against a fresh listener; both must exit 0.
struct session {
  explicit session(const std::string& scenario, std::vector<std::string> server_flags = {},
                   std::vector<std::string> client_flags = {})
    : server(TROUPE_TEST_NODE_EXE, std::move(server_flags)) {
    client_flags.insert(client_flags.begin(), {"--join", server.address(), "--scenario", scenario});
    process client{TROUPE_TEST_NODE_EXE, std::move(client_flags)};
    client_code = client.wait(finish_timeout, "the joiner to run scenario '" + scenario + "'");
    out = client.out();
    err = client.err();
    server_code = server.proc.wait(finish_timeout, "the listener to exit after its peer");
  }

  listener server;
  int client_code = -1;
  int server_code = -1;
  std::string out;
  std::string err;
};

} // namespace

TEST_CASE("a coroutine awaits the reply of an actor it spawned by name in another process",
          "[multinode][remote]") {
  session s{"sum"};
  INFO("joiner stdout:\n" << s.out << "joiner stderr:\n" << s.err);
  CHECK(s.client_code == 0);
  CHECK(s.server_code == 0);
  // The adder runs in the listener's process, with the offset 100 given at spawn.
  CHECK(value_of(s.out, "adder pid") == std::to_string(s.server.proc.pid()));
  CHECK(value_of(s.out, "sum") == "142");
  CHECK(value_of(s.out, "after") == "103");
  CHECK(s.err.empty());
  CHECK_THAT(s.server.proc.out(), Catch::EndsWith("peer done\n"));
}

TEST_CASE("a user-defined message type registered on both nodes crosses intact both ways",
          "[multinode][remote]") {
  session s{"point"};
  INFO("joiner stdout:\n" << s.out << "joiner stderr:\n" << s.err);
  CHECK(s.client_code == 0);
  CHECK(s.server_code == 0);
  CHECK(value_of(s.out, "adder pid") == std::to_string(s.server.proc.pid()));
  // Sent {1.5, -2.25, "p"}, scaled by 2 over there, with the label changed.
  CHECK(value_of(s.out, "point") == "3.000000 -4.500000 p scaled");
}

TEST_CASE("a request with an unregistered message type fails with type_not_registered, "
          "naming the type and how to register it",
          "[multinode][remote]") {
  session s{"forgotten-request"};
  INFO("joiner stdout:\n" << s.out << "joiner stderr:\n" << s.err);
  CHECK(s.client_code == 0);
  CHECK(s.server_code == 0);
  auto text = value_of(s.out, "forgotten");
  CHECK_THAT(text, Catch::StartsWith("type_not_registered: "));
  CHECK_THAT(text, Catch::Contains("'demo::forgotten'"));
  CHECK_THAT(text, Catch::Contains("add_message_type<demo::forgotten>"));
  CHECK_THAT(text, Catch::Contains("inspect()"));
  // The failed request did not break the connection.
  CHECK(value_of(s.out, "after") == "103");
}

TEST_CASE("a send with an unregistered message type throws type_not_registered, naming it",
          "[multinode][remote]") {
  session s{"forgotten-send"};
  INFO("joiner stdout:\n" << s.out << "joiner stderr:\n" << s.err);
  CHECK(s.client_code == 0);
  auto text = value_of(s.out, "forgotten");
  CHECK_THAT(text, Catch::StartsWith("type_not_registered: "));
  CHECK_THAT(text, Catch::Contains("add_message_type<demo::forgotten>"));
  CHECK(value_of(s.out, "after") == "103");
}

TEST_CASE("spawn_remote with an argument of an unregistered type fails with "
          "type_not_registered",
          "[multinode][remote]") {
  session s{"forgotten-spawn-arg"};
  INFO("joiner stdout:\n" << s.out << "joiner stderr:\n" << s.err);
  CHECK(s.client_code == 0);
  auto text = value_of(s.out, "spawn");
  CHECK_THAT(text, Catch::StartsWith("type_not_registered: spawn_remote of 'adder'"));
  CHECK_THAT(text, Catch::Contains("add_message_type<demo::forgotten>"));
  CHECK(value_of(s.out, "after") == "103");
}

TEST_CASE("spawn_remote of a type the other node lacks fails with no_such_actor_type, "
          "saying how to register it",
          "[multinode][remote]") {
  session s{"no-such-type"};
  INFO("joiner stdout:\n" << s.out << "joiner stderr:\n" << s.err);
  CHECK(s.client_code == 0);
  auto text = value_of(s.out, "spawn");
  CHECK_THAT(text, Catch::StartsWith("no_such_actor_type: spawn_remote of 'no-such-type'"));
  CHECK_THAT(text, Catch::Contains("add_actor_type(\"no-such-type\""));
  CHECK(value_of(s.out, "after") == "103");
}

TEST_CASE("spawn_remote with arguments the actor type does not take fails, naming them",
          "[multinode][remote]") {
  session s{"bad-args"};
  INFO("joiner stdout:\n" << s.out << "joiner stderr:\n" << s.err);
  CHECK(s.client_code == 0);
  auto text = value_of(s.out, "spawn");
  CHECK_THAT(text, Catch::StartsWith("no_such_actor_type: spawn_remote of 'adder'"));
  CHECK_THAT(text, Catch::Contains("does not take these arguments"));
}

TEST_CASE("a message type registered only by the sender fails at the receiver without "
          "breaking the connection",
          "[multinode][remote]") {
  // The listener does not register 'point': it cannot read the request, which then matches
  // no handler there; the sender gets an error, not a hang, and the connection survives.
  session s{"point", {"--register-point=false"}};
  INFO("joiner stdout:\n" << s.out << "joiner stderr:\n" << s.err);
  CHECK(s.client_code == 0);
  CHECK(s.server_code == 0);
  CHECK_THAT(value_of(s.out, "point"), Catch::StartsWith("unexpected_message: "));
  CHECK(value_of(s.out, "after") == "103");
}

TEST_CASE("an exception in a remote coroutine handler reaches the requester as errc::exception "
          "with its text, and ends that actor",
          "[multinode][remote][errc]") {
  session s{"exception"};
  INFO("joiner stdout:\n" << s.out << "joiner stderr:\n" << s.err);
  CHECK(s.client_code == 0);
  CHECK(s.server_code == 0);
  CHECK(value_of(s.out, "thrower") == "exception: tile 7 diverged at step 40");
  CHECK(value_of(s.out, "thrower exit") == "exception: tile 7 diverged at step 40");
  // Not a timeout: CAF drops what goes to the proxy of an actor known to be dead.
  CHECK_THAT(value_of(s.out, "dead thrower"),
             Catch::StartsWith("actor_exited: ") && Catch::Contains("tile 7 diverged"));
  CHECK(value_of(s.out, "after") == "103");
}

TEST_CASE("a troupe::error sent to another node arrives with its code, category and message",
          "[multinode][remote][errc]") {
  session s{"error-value"};
  INFO("joiner stdout:\n" << s.out << "joiner stderr:\n" << s.err);
  CHECK(s.client_code == 0);
  CHECK(s.server_code == 0);
  // The adder on the other node describes what it received.
  CHECK(value_of(s.out, "troupe error") == "timeout: halo from west, step 12, arrived late");
  CHECK(value_of(s.out, "generic error") ==
        "generic " + std::to_string(ECONNREFUSED) + ": no checkpoints");
  CHECK(value_of(s.out, "after") == "103");
}
