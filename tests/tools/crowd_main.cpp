// A node with a crowd of idle actors, for troupe-top against more actors than one page of
// /api/v1/actors: `--actors N --first K` spawns actors "crowd-%05d" numbered K … K+N-1 (type
// "crowd"), each awaiting an int that never comes, prints "ready" and waits to be ended.
#include <cstdio>
#include <iostream>
#include <vector>

#include <unistd.h>

#include <troupe/troupe.hpp>

int main(int argc, char** argv) {
  troupe::node_config cfg{"crowd", "a node with many idle actors"};
  int actors = 0;
  int first = 0;
  cfg.option(actors, "actors", "actors to spawn");
  cfg.option(first, "first", "the number of the first actor's name");
  return troupe::run(cfg, argc, argv, [&](troupe::node& n) -> int {
    std::vector<caf::actor> crowd; // an actor nobody holds ends
    for (int i = first; i < first + actors; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "crowd-%05d", i);
      crowd.push_back(troupe::spawn(
          n, {.name = name, .type = "crowd"},
          [](troupe::context& self) -> troupe::task<> { co_await troupe::receive<int>(self); }));
    }
    std::cout << "ready" << std::endl;
    for (;;)
      ::pause();
  });
}
