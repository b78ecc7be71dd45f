// Fuzz target: the monitor's request parser and router (serve_bytes, the same parsing and
// handling the server does) on arbitrary bytes, against a fixed source of a few actors. The
// first byte picks the settings (token or none, control allowed or not), the rest is the
// request stream. Built with libFuzzer by the `fuzz` preset; replayed over tests/fuzz/corpus by
// ctest in every build (replay_main.cpp).
#include <cstddef>
#include <cstdint>
#include <optional>

#include "internal/monitor.hpp"

namespace {

namespace monitor = troupe::detail::monitor;

class fixed_source final : public monitor::source {
public:
  monitor::node_view node() override {
    monitor::node_view n;
    n.id = "ABCDEF#1";
    n.program = "fuzz";
    n.version = "0";
    n.workers = {{0.5, 1.0}, {0.25, 2.0}};
    n.listening = troupe::endpoint{"127.0.0.1", 4000};
    n.monitor = troupe::endpoint{"127.0.0.1", 8080};
    return n;
  }

  troupe::snapshot actors() override {
    troupe::snapshot s;
    s.taken = std::chrono::system_clock::time_point{std::chrono::seconds{1'700'000'000}};
    for (std::uint64_t id = 1; id <= 4; ++id) {
      troupe::actor_info a;
      a.id = id;
      a.name = "actor-\"" + std::to_string(id) + "\\";
      a.type = id % 2 == 0 ? "cell" : "behavior";
      a.spawned = s.taken;
      troupe::await_info w;
      w.what = id == 4 ? troupe::await_info::kind::kernel : troupe::await_info::kind::reply;
      w.peer = id % 3 + 1; // 1 -> 2 -> 3 -> 1: a cycle
      w.since = s.taken;
      a.awaits.push_back(w);
      s.actors.push_back(a);
    }
    return s;
  }

  std::vector<monitor::type_view> types() override {
    return {{"cell", 2, 1, 10, 5, 1, 0.5, {}, {}}, {"la\"bel\n", 1, 0, 0, 0, 0, 0, {}, {}}};
  }

  std::optional<troupe::sim_status> sim() override {
    troupe::sim_status s;
    s.label = "fu\"zz";
    s.step = 10;
    s.total = 100;
    s.steps_per_second = 5;
    s.eta_seconds = 18;
    s.parameters = {{"alpha", 1.0}};
    return s;
  }

  // Takes alpha only, as a run with one parameter does.
  troupe::result<void> steer(const troupe::sim_request& r) override {
    if (r.what == troupe::sim_request::kind::set && r.name != "alpha")
      return troupe::error{troupe::errc::bad_option, "no parameter '" + r.name + "'"};
    return {};
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fixed_source src;
  if (size == 0)
    return 0;
  monitor::settings s;
  s.bound_host = "127.0.0.1";
  s.port = 8080;
  if ((data[0] & 1) != 0)
    s.token = "0123456789abcdef0123456789abcdef";
  s.allow_control = (data[0] & 2) != 0;
  monitor::serve_bytes({reinterpret_cast<const char*>(data) + 1, size - 1},
                       monitor::connection{"127.0.0.1"}, s, src);
  return 0;
}
