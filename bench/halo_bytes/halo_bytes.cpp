// halo_bytes: throughput of halo-sized messages between two processes on 127.0.0.1, MiB/s of
// data delivered and acknowledged.
//   troupe: a coroutine on the joining node sends troupe::actors::halo_message (its doubles a
//           troupe::actors::block: one run of bytes on the wire) to a coroutine spawned on the
//           listening node, which takes each with troupe::receive, as a tile does, and
//           acknowledges it (--listen / --join, troupe's default settings);
//   caf:    raw CAF remote actors (publish / remote_actor) sending (seq, std::vector<double>),
//           which CAF 0.17 serialises element by element; same worker count.
// The sender keeps --window messages unacknowledged at most (a stream with acknowledgements),
// so the figure is what arrived, not what was queued. The clock runs from the acknowledgement
// of the last warm-up message to that of the last message. Each rep starts a fresh server and
// client process per impl, alternated A B A B; prints medians as ../../shared/BENCH.md lines.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <future>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <troupe/actors/halo.hpp>
#include <troupe/remote.hpp>
#include <troupe/troupe.hpp>

#include "common/bench.hpp"
#include "common/process.hpp"
#include "common/systems.hpp"

namespace {

using namespace std::chrono_literals;

using ack_atom = caf::atom_constant<caf::atom("ack")>;

/// What every client is given.
struct plan {
  std::int64_t doubles;
  std::int64_t warmup;
  std::int64_t messages;
  std::int64_t window;
};

constexpr auto deadline = 30s;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "halo_bytes: %s\n", what.c_str());
  std::exit(1);
}

[[noreturn]] void serve_forever() {
  // Ended by the orchestrator's SIGTERM.
  for (;;)
    pause();
}

/// The payload of message `seq`: its first double names it, so the sink can check that what
/// arrived is the message it acknowledges.
std::vector<double> payload(const plan& p, std::int64_t seq) {
  std::vector<double> v(static_cast<std::size_t>(p.doubles));
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = 0.5 * static_cast<double>(i);
  v[0] = static_cast<double>(seq);
  return v;
}

/// The sink's verdict on one message: its length if it is intact, else -1.
std::int64_t verdict(std::int64_t seq, const std::vector<double>& v) {
  auto n = static_cast<std::int64_t>(v.size());
  bool ok = n > 1 && v[0] == static_cast<double>(seq) && v[1] == 0.5 &&
            v.back() == 0.5 * static_cast<double>(n - 1);
  return ok ? n : -1;
}

/// The sender's clock: call `on_ack` for each acknowledgement in order; true once all arrived.
struct stream_clock {
  plan p;
  std::int64_t acked = 0;
  bench::clock::time_point start{};
  double seconds = 0;

  bool on_ack(std::int64_t seq, std::int64_t n) {
    if (seq != acked || n != p.doubles)
      fail("acknowledgement " + std::to_string(seq) + " (length " + std::to_string(n) +
           ") where message " + std::to_string(acked) + " of " + std::to_string(p.doubles) +
           " doubles was due: the data arrived damaged or out of order");
    ++acked;
    if (acked == p.warmup)
      start = bench::clock::now();
    if (acked < p.warmup + p.messages)
      return false;
    seconds = bench::seconds_since(start);
    return true;
  }

  [[nodiscard]] double mib_per_s() const {
    auto bytes = static_cast<double>(p.messages * p.doubles) * sizeof(double);
    return bytes / seconds / (1024.0 * 1024.0);
  }
};

void print_figure(const stream_clock& c) {
  std::printf("%.6g\n", c.mib_per_s());
  std::fflush(stdout);
}

// -- troupe -------------------------------------------------------------------------------------

troupe::task<> troupe_sink(troupe::context& self) {
  for (;;) {
    auto m = co_await troupe::receive<troupe::actors::halo_message>(self);
    self.send(caf::actor_cast<caf::actor>(self.last_sender()), ack_atom::value, m.step,
              verdict(m.step, m.values.values));
  }
}

troupe::task<> troupe_sender(troupe::context& self, troupe::peer other, plan p,
                             std::shared_ptr<std::promise<stream_clock>> out) {
  auto sink = co_await troupe::spawn_remote(self, other, "halo_sink", deadline);
  if (!sink)
    fail(sink.error().message());
  stream_clock c{p};
  auto total = p.warmup + p.messages;
  for (std::int64_t sent = 0; c.acked < total;) {
    for (; sent < total && sent - c.acked < p.window; ++sent) {
      troupe::actors::halo_message m;
      m.grid = 1;
      m.step = sent;
      m.values = troupe::actors::block{payload(p, sent)};
      self.send(*sink, std::move(m));
    }
    auto ack = co_await troupe::receive<ack_atom, std::int64_t, std::int64_t>(self, deadline);
    if (!ack)
      fail("no acknowledgement from the sink: " + ack.error().message());
    c.on_ack(std::get<1>(*ack), std::get<2>(*ack));
  }
  out->set_value(c);
}

std::unique_ptr<troupe::node_config> troupe_node_config(std::vector<std::string> args) {
  auto cfg = bench::troupe_config(args);
  troupe::actors::add_halo_types(*cfg);
  return cfg;
}

void troupe_server(unsigned threads) {
  auto cfg = troupe_node_config({"--threads", std::to_string(threads), "--listen", "127.0.0.1:0"});
  cfg->add_actor_type("halo_sink", troupe::make_factory<>(troupe_sink, "halo_sink"));
  auto n = troupe::node::start(std::move(*cfg)); // prints "listening on 127.0.0.1:PORT"
  if (!n)
    fail(n.error().message());
  serve_forever();
}

void troupe_client(unsigned threads, std::uint16_t port, plan p) {
  auto cfg = troupe_node_config(
      {"--threads", std::to_string(threads), "--join", "127.0.0.1:" + std::to_string(port)});
  auto n = troupe::node::start(std::move(*cfg));
  if (!n)
    fail(n.error().message());
  auto out = std::make_shared<std::promise<stream_clock>>();
  auto result = out->get_future();
  troupe::spawn(*n, troupe_sender, *n->joined(), p, out);
  if (result.wait_for(2 * deadline) != std::future_status::ready)
    fail("the troupe stream did not finish within " + std::to_string(2 * deadline.count()) + " s");
  print_figure(result.get());
  std::fflush(stdout);
  std::_Exit(0); // the server is ended by its orchestrator; skip waiting for the connection
}

// -- raw CAF, as CAF's users write it -------------------------------------------------------------

caf::behavior caf_sink(caf::event_based_actor*) {
  return {[](std::int64_t seq, const std::vector<double>& v) {
    return std::make_tuple(ack_atom::value, seq, verdict(seq, v));
  }};
}

struct caf_stream {
  stream_clock clock;
  std::int64_t sent = 0;
  std::promise<stream_clock> done;
};

void caf_fill_window(caf::event_based_actor* self, const caf::actor& sink, caf_stream& s) {
  auto total = s.clock.p.warmup + s.clock.p.messages;
  for (; s.sent < total && s.sent - s.clock.acked < s.clock.p.window; ++s.sent)
    self->send(sink, s.sent, payload(s.clock.p, s.sent));
}

caf::behavior caf_sender(caf::event_based_actor* self, caf::actor sink,
                         std::shared_ptr<caf_stream> s) {
  caf_fill_window(self, sink, *s);
  return {[=](ack_atom, std::int64_t seq, std::int64_t n) {
    if (s->clock.on_ack(seq, n)) {
      s->done.set_value(s->clock);
      self->quit();
    } else {
      caf_fill_window(self, sink, *s);
    }
  }};
}

std::unique_ptr<caf::actor_system_config> caf_config(unsigned threads) {
  auto cfg = std::make_unique<caf::actor_system_config>();
  cfg->set("scheduler.max-threads", threads);
  cfg->add_message_type<std::vector<double>>("std::vector<double>");
  cfg->load<caf::io::middleman>();
  return cfg;
}

void caf_server(unsigned threads) {
  auto cfg = caf_config(threads);
  caf::actor_system sys{*cfg};
  auto port = sys.middleman().publish(sys.spawn(caf_sink), 0, "127.0.0.1");
  if (!port)
    fail(sys.render(port.error()));
  std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(*port));
  std::fflush(stdout);
  serve_forever();
}

void caf_client(unsigned threads, std::uint16_t port, plan p) {
  auto cfg = caf_config(threads);
  caf::actor_system sys{*cfg};
  auto sink = sys.middleman().remote_actor("127.0.0.1", port);
  if (!sink)
    fail(sys.render(sink.error()));
  auto s = std::make_shared<caf_stream>();
  s->clock.p = p;
  auto result = s->done.get_future();
  sys.spawn(caf_sender, *sink, s);
  if (result.wait_for(2 * deadline) != std::future_status::ready)
    fail("the CAF stream did not finish within " + std::to_string(2 * deadline.count()) + " s");
  print_figure(result.get());
  std::_Exit(0); // as troupe_client
}

std::string bench_name(std::int64_t bytes) {
  return bytes == 64 * 1024 ? "halo_bytes" : "halo_bytes_" + std::to_string(bytes / 1024) + "kib";
}

} // namespace

int main(int argc, char** argv) {
  bench::options opt{argc,
                     argv,
                     {"reps", "bytes", "mib", "warmup", "window", "threads", "impls", "role",
                      "impl", "port", "messages"}};
  auto threads = static_cast<unsigned>(opt.get("threads", static_cast<long long>(bench::cores())));
  auto bytes = opt.get("bytes", 64LL * 1024);
  if (bytes < 16 || bytes % 8 != 0)
    fail("--bytes must be a multiple of 8 of at least 16 (got " + std::to_string(bytes) + ")");
  // By default each rep moves --mib MiB (128) after a warm-up of a tenth of that.
  auto messages = opt.get("messages", std::max(1LL, opt.get("mib", 128LL) * 1024 * 1024 / bytes));
  plan p{bytes / 8, opt.get("warmup", std::max(1LL, messages / 10)), messages,
         opt.get("window", 8LL)};
  if (p.window < 1)
    fail("--window must be at least 1 (got " + std::to_string(p.window) + ")");
  if (opt.has("role")) {
    auto role = opt.get("role", std::string{});
    auto impl = opt.get("impl", std::string{});
    auto port = static_cast<std::uint16_t>(opt.get("port", 0LL));
    bool server = role == "server";
    if (impl == "troupe")
      server ? troupe_server(threads) : troupe_client(threads, port, p);
    else if (impl == "caf")
      server ? caf_server(threads) : caf_client(threads, port, p);
    else
      fail("unknown --impl " + impl);
    return 0;
  }

  auto reps = opt.get("reps", 5LL);
  auto impls = bench::impl_list(opt, "troupe,caf");
  std::vector<std::string> order;
  for (auto name : {"troupe", "caf"})
    if (impls.count(name) != 0)
      order.emplace_back(name);
  std::vector<std::vector<double>> figures(order.size());
  for (long long r = -1; r < reps; ++r) {
    for (std::size_t k = 0; k < order.size(); ++k) {
      std::vector<std::string> common{"--impl", order[k], "--threads", std::to_string(threads)};
      auto server_args = common;
      server_args.insert(server_args.begin(), {"--role", "server"});
      bench::child server{server_args};
      auto line = server.read_line();
      auto colon = line.rfind(':');
      if (line.rfind("listening on ", 0) != 0 || colon == std::string::npos)
        fail("server of " + order[k] + " said '" + line + "' instead of its address");
      auto client_args = common;
      client_args.insert(client_args.end(),
                         {"--role", "client", "--port", line.substr(colon + 1), "--bytes",
                          std::to_string(bytes), "--warmup", std::to_string(p.warmup), "--messages",
                          std::to_string(p.messages), "--window", std::to_string(p.window)});
      auto figure = std::stod(bench::run_child(client_args));
      if (r >= 0)
        figures[k].push_back(figure);
    }
  }
  auto name = bench_name(bytes);
  for (std::size_t k = 0; k < order.size(); ++k)
    bench::report(name, order[k], "mib_per_s", figures[k], threads,
                  {{"bytes", std::to_string(bytes)},
                   {"messages", std::to_string(p.messages)},
                   {"window", std::to_string(p.window)},
                   {"payload",
                    bench::json_string(order[k] == "troupe" ? "troupe::actors::halo_message (block)"
                                                            : "std::vector<double>")}});
  if (order.size() == 2)
    bench::report_paired(name, order[0], order[1], figures[0], figures[1], threads);
  return 0;
}
