// remote_rtt: request -> reply round trips between two processes on 127.0.0.1; median µs.
//   troupe:    a coroutine awaits troupe::request on an actor spawned on the other node
//              (--listen / --join, troupe's default scheduler settings);
//   caf:       raw CAF remote actors with CAF's default settings (publish / remote_actor,
//              request(...).then(...));
//   caf-tuned: the same raw CAF code on troupe's scheduler settings;
//   tcp:       blocking sockets with TCP_NODELAY sending 16 bytes back and forth.
// Each rep starts a fresh server and client process per impl, alternated A B C D.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <troupe/remote.hpp>
#include <troupe/troupe.hpp>

#include "common/bench.hpp"
#include "common/process.hpp"
#include "common/systems.hpp"

namespace {

using namespace std::chrono_literals;

using ping_atom = caf::atom_constant<caf::atom("ping")>;

/// What every client is given: rounds to time after a warm-up, and the request deadline.
struct plan {
  std::int64_t warmup;
  std::int64_t rounds;
};

constexpr auto deadline = 10s;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "remote_rtt: %s\n", what.c_str());
  std::exit(1);
}

[[noreturn]] void serve_forever() {
  // Ended by the orchestrator's SIGTERM.
  for (;;)
    pause();
}

/// CPU and wall clock of the client process at the start of its timed round trips.
struct usage {
  double cpu = bench::cpu_seconds();
  bench::clock::time_point wall = bench::clock::now();
};

/// Prints the client's one line: the median of the timed round trips (µs), and the CPU the
/// client process used meanwhile, in percent of one core.
void print_median(std::vector<double> us, const usage& since) {
  auto cpu = 100.0 * (bench::cpu_seconds() - since.cpu) / bench::seconds_since(since.wall);
  std::printf("%.3f %.1f\n", bench::median(std::move(us)), cpu);
  std::fflush(stdout);
}

// -- troupe -------------------------------------------------------------------------------------

troupe::behavior troupe_ponger(troupe::context&) {
  return {[](ping_atom, std::int64_t n) { return n; }};
}

struct timed {
  std::vector<double> us;
  usage since;
};

troupe::task<> troupe_pinger(troupe::context& self, troupe::peer other, plan p,
                             std::shared_ptr<std::promise<timed>> out) {
  auto ponger = co_await troupe::spawn_remote(self, other, "ponger", deadline);
  if (!ponger)
    fail(ponger.error().message());
  std::vector<double> us;
  usage since;
  for (std::int64_t i = 0; i < p.warmup + p.rounds; ++i) {
    if (i == p.warmup)
      since = usage{};
    auto t0 = bench::clock::now();
    auto r = co_await troupe::request<std::int64_t>(self, *ponger, deadline, ping_atom::value, i);
    if (!r)
      fail(r.error().message());
    if (i >= p.warmup)
      us.push_back(std::chrono::duration<double, std::micro>(bench::clock::now() - t0).count());
  }
  out->set_value(timed{std::move(us), since});
}

std::vector<std::string> with_flags(std::vector<std::string> args, const std::string& flags) {
  std::istringstream in{flags};
  for (std::string f; in >> f;)
    args.push_back(f);
  return args;
}

void troupe_server(unsigned threads, const std::string& flags) {
  auto cfg = bench::troupe_config(
      with_flags({"--threads", std::to_string(threads), "--listen", "127.0.0.1:0"}, flags));
  cfg->add_actor_type("ponger", troupe::make_factory<>(troupe_ponger, "ponger"));
  auto n = troupe::node::start(std::move(*cfg)); // prints "listening on 127.0.0.1:PORT"
  if (!n)
    fail(n.error().message());
  serve_forever();
}

void troupe_client(unsigned threads, const std::string& flags, std::uint16_t port, plan p) {
  auto cfg = bench::troupe_config(with_flags(
      {"--threads", std::to_string(threads), "--join", "127.0.0.1:" + std::to_string(port)},
      flags));
  auto n = troupe::node::start(std::move(*cfg));
  if (!n)
    fail(n.error().message());
  auto out = std::make_shared<std::promise<timed>>();
  auto result = out->get_future();
  troupe::spawn(*n, troupe_pinger, *n->joined(), p, out);
  auto t = result.get();
  print_median(std::move(t.us), t.since);
}

// -- raw CAF --------------------------------------------------------------------------------------

caf::behavior caf_ponger(caf::event_based_actor*) {
  return {[](ping_atom, std::int64_t n) { return n; }};
}

struct caf_game {
  plan p;
  std::vector<double> us;
  bench::clock::time_point sent;
  usage since;
  std::promise<std::vector<double>> done;
};

void caf_ping(caf::event_based_actor* self, const caf::actor& ponger,
              const std::shared_ptr<caf_game>& g, std::int64_t i) {
  if (i == g->p.warmup)
    g->since = usage{};
  g->sent = bench::clock::now();
  self->request(ponger, deadline, ping_atom::value, i)
      .then(
          [=](std::int64_t) {
            if (i >= g->p.warmup)
              g->us.push_back(
                  std::chrono::duration<double, std::micro>(bench::clock::now() - g->sent).count());
            if (i + 1 == g->p.warmup + g->p.rounds) {
              g->done.set_value(std::move(g->us));
              self->quit();
            } else {
              caf_ping(self, ponger, g, i + 1);
            }
          },
          [=](caf::error& err) { fail("request failed: " + self->system().render(err)); });
}

caf::behavior caf_pinger(caf::event_based_actor* self, caf::actor ponger,
                         std::shared_ptr<caf_game> g) {
  caf_ping(self, ponger, g, 0);
  return {[](ping_atom) {}};
}

/// Raw CAF's config: all defaults (`tuned`: troupe's scheduler settings) plus the middleman.
std::unique_ptr<caf::actor_system_config> caf_config(unsigned threads, bool tuned) {
  std::unique_ptr<caf::actor_system_config> cfg;
  if (tuned)
    cfg = bench::troupe_config({"--threads", std::to_string(threads)});
  else
    cfg = std::make_unique<caf::actor_system_config>();
  cfg->load<caf::io::middleman>();
  return cfg;
}

void caf_server(unsigned threads, bool tuned) {
  auto cfg = caf_config(threads, tuned);
  caf::actor_system sys{*cfg};
  auto port = sys.middleman().publish(sys.spawn(caf_ponger), 0, "127.0.0.1");
  if (!port)
    fail(sys.render(port.error()));
  std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(*port));
  std::fflush(stdout);
  serve_forever();
}

void caf_client(unsigned threads, bool tuned, std::uint16_t port, plan p) {
  auto cfg = caf_config(threads, tuned);
  caf::actor_system sys{*cfg};
  auto ponger = sys.middleman().remote_actor("127.0.0.1", port);
  if (!ponger)
    fail(sys.render(ponger.error()));
  auto g = std::make_shared<caf_game>();
  g->p = p;
  auto result = g->done.get_future();
  sys.spawn(caf_pinger, *ponger, g);
  auto us = result.get();
  print_median(std::move(us), g->since);
  std::fflush(stdout);
  std::_Exit(0); // the server is ended by its orchestrator; skip waiting for the connection
}

// -- raw TCP ------------------------------------------------------------------------------------

constexpr std::size_t tcp_message = 16;

void no_delay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

bool exactly(int fd, char* buf, bool writing) {
  std::size_t done = 0;
  while (done < tcp_message) {
    auto n = writing ? ::send(fd, buf + done, tcp_message - done, 0)
                     : ::recv(fd, buf + done, tcp_message - done, 0);
    if (n <= 0) {
      if (n < 0 && errno == EINTR)
        continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void tcp_server() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 1) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    fail(std::string{"tcp server: "} + std::strerror(errno));
  std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(ntohs(addr.sin_port)));
  std::fflush(stdout);
  int conn = accept(fd, nullptr, nullptr);
  no_delay(conn);
  char buf[tcp_message];
  while (exactly(conn, buf, false) && exactly(conn, buf, true)) {
  }
  serve_forever();
}

void tcp_client(std::uint16_t port, plan p) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    fail(std::string{"tcp client: "} + std::strerror(errno));
  no_delay(fd);
  char buf[tcp_message] = {};
  std::vector<double> us;
  usage since;
  for (std::int64_t i = 0; i < p.warmup + p.rounds; ++i) {
    if (i == p.warmup)
      since = usage{};
    std::memcpy(buf, &i, sizeof i);
    auto t0 = bench::clock::now();
    if (!exactly(fd, buf, true) || !exactly(fd, buf, false))
      fail("tcp client: connection lost");
    if (i >= p.warmup)
      us.push_back(std::chrono::duration<double, std::micro>(bench::clock::now() - t0).count());
  }
  print_median(std::move(us), since);
  close(fd);
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc,
                     argv,
                     {"reps", "rounds", "warmup", "threads", "impls", "role", "impl", "port",
                      "troupe-flags", "name"}};
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  plan p{opt.get("warmup", 200LL), opt.get("rounds", 2000LL)};
  // Extra flags for troupe's nodes, e.g. "--latency-mode true" (then --name names the row).
  auto flags = opt.get("troupe-flags", std::string{});
  if (opt.has("role")) {
    auto role = opt.get("role", std::string{});
    auto impl = opt.get("impl", std::string{});
    auto port = static_cast<std::uint16_t>(opt.get("port", 0LL));
    bool server = role == "server";
    if (impl == "troupe")
      server ? troupe_server(threads, flags) : troupe_client(threads, flags, port, p);
    else if (impl == "caf" || impl == "caf-tuned")
      server ? caf_server(threads, impl == "caf-tuned")
             : caf_client(threads, impl == "caf-tuned", port, p);
    else if (impl == "tcp")
      server ? tcp_server() : tcp_client(port, p);
    else
      fail("unknown --impl " + impl);
    return 0;
  }

  auto reps = opt.get("reps", 5LL);
  auto impls = bench::impl_list(opt, "troupe,caf,caf-tuned,tcp");
  std::vector<std::string> order;
  for (auto name : {"troupe", "caf", "caf-tuned", "tcp"})
    if (impls.count(name) != 0)
      order.emplace_back(name);
  std::vector<std::vector<double>> us(order.size());
  std::vector<std::vector<double>> cpu(order.size());
  for (long long r = -1; r < reps; ++r) {
    for (std::size_t k = 0; k < order.size(); ++k) {
      std::vector<std::string> common{
          "--impl", order[k], "--threads", std::to_string(threads), "--troupe-flags", flags};
      auto server_args = common;
      server_args.insert(server_args.begin(), {"--role", "server"});
      bench::child server{server_args};
      auto line = server.read_line();
      auto colon = line.rfind(':');
      if (line.rfind("listening on ", 0) != 0 || colon == std::string::npos)
        fail("server of " + order[k] + " said '" + line + "' instead of its address");
      auto client_args = common;
      client_args.insert(client_args.end(),
                         {"--role", "client", "--port", line.substr(colon + 1), "--warmup",
                          std::to_string(p.warmup), "--rounds", std::to_string(p.rounds)});
      std::istringstream got{bench::run_child(client_args)};
      double median = 0;
      double percent = 0;
      got >> median >> percent;
      if (r >= 0) {
        us[k].push_back(median);
        cpu[k].push_back(percent);
      }
    }
  }
  auto name = opt.get("name", std::string{});
  for (std::size_t k = 0; k < order.size(); ++k)
    bench::report(
        "remote_rtt", order[k] == "troupe" && !name.empty() ? name : order[k], "latency_us", us[k],
        order[k] == "caf" ? std::max(bench::cores(), 4u) : threads,
        {{"rounds", std::to_string(p.rounds)},
         {"client_cpu_percent", bench::number(bench::median(cpu[k]))},
         {"settings", bench::json_string(order[k] == "caf"         ? "CAF defaults"
                                         : order[k] == "tcp"       ? "blocking sockets"
                                         : order[k] == "caf-tuned" ? "troupe's scheduler settings"
                                                                   : "troupe defaults " + flags)}});
  return 0;
}
