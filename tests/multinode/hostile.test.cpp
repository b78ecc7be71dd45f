// Hostile input on a TLS node's port: garbage, a truncated frame, a BASP-like header announcing
// a 4 GiB payload, and many idle connections. None reaches BASP (they fail or wait at the TLS
// handshake), and a real member still joins afterwards. (On a plain port, CAF 0.17 itself is
// stuck by the 4 GiB header: README, "Mutual TLS".)
#include <array>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "tls_files.hpp"

namespace {

using namespace troupe::test;

const std::string exe = TROUPE_TEST_CLUSTER_NODE_EXE;

// A blocking TCP connection to 127.0.0.1:`port`, closed at the end of its scope.
class raw_connection {
public:
  explicit raw_connection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }

  raw_connection(raw_connection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {
  }

  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;
  raw_connection& operator=(raw_connection&&) = delete;

  ~raw_connection() {
    if (fd_ >= 0)
      ::close(fd_);
  }

  void send(const std::vector<std::uint8_t>& bytes) {
    // The node may refuse and close before all is sent: only the attempt matters.
    (void)!::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }

private:
  int fd_ = -1;
};

// A BASP header (CAF 0.17: operation, two padding bytes, flags, payload length, operation
// data, source and destination actor; big-endian) announcing `payload_len` bytes, padded to
// 48 bytes as in the report.
std::vector<std::uint8_t> basp_header(std::uint32_t payload_len) {
  std::vector<std::uint8_t> out(48, 0);
  out[0] = 0x01; // client_handshake
  for (int i = 0; i < 4; ++i)
    out[4 + i] = static_cast<std::uint8_t>(payload_len >> (24 - 8 * i));
  return out;
}

// The resident memory of process `pid` in KiB, from /proc.
long resident_kib(pid_t pid) {
  std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  FAIL("no VmRSS in /proc/" << pid << "/status");
  return 0;
}

// How many idle connections this test opens: 1,000, or fewer when the file descriptor limit
// (raised to its hard limit here, and inherited by the node) leaves less room.
std::size_t idle_connection_count() {
  rlimit lim{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &lim) == 0);
  lim.rlim_cur = lim.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &lim);
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &lim) == 0);
  auto room = lim.rlim_cur > 256 ? lim.rlim_cur - 256 : 0;
  return std::min<std::size_t>(1000, room);
}

} // namespace

TEST_CASE("a TLS node refuses garbage, a truncated frame and a 4 GiB BASP header, holds idle "
          "connections, and a real member still joins",
          "[multinode][tls][hostile]") {
  auto idle = idle_connection_count();
  dev_ca ca{{"n1", "n2"}};
  listener a{exe, with_flags(ca.flags("n1"), {"--expect", "2"})};
  auto rss_before = resident_kib(a.proc.pid());

  std::mt19937 gen{42};
  std::vector<std::uint8_t> garbage(4096);
  for (auto& b : garbage)
    b = static_cast<std::uint8_t>(gen());
  {
    raw_connection c{a.port};
    c.send(garbage);
  }
  {
    auto frame = basp_header(64);
    frame.resize(20);
    raw_connection c{a.port};
    c.send(frame);
  }
  raw_connection big{a.port};
  big.send(basp_header(0xffffffff));
  std::vector<raw_connection> idle_connections;
  for (std::size_t i = 0; i < idle; ++i)
    idle_connections.emplace_back(a.port);
  WARN("idle connections held open: " << idle);

  // The 4 GiB header is refused at the TLS handshake, as any bytes that are not TLS.
  auto line = a.proc.read_err_line(start_timeout, "a's line refusing the hostile bytes");
  while (line.find("refused") == std::string::npos)
    line = a.proc.read_err_line(start_timeout, "a's line refusing the hostile bytes");
  CHECK_THAT(line, Catch::Contains("does not speak TLS"));

  // The node accepts the idle connections and evicts the oldest of them while b joins; under
  // ThreadSanitizer that takes it longer than a join's default 10 s (b retries its join).
  process b{exe, with_flags(ca.flags("n2"),
                            {"--join", a.address(), "--expect", "2", "--join-timeout", "60"})};
  auto mb = await_line(b, "members: ", 70s, "b's members");
  auto ma = await_line(a.proc, "members: ", 70s, "a's members");
  CHECK(ma == mb);
  CHECK_THAT(ma, Catch::Contains(a.address()));
  auto grown_mib = (resident_kib(a.proc.pid()) - rss_before) / 1024;
  CAPTURE(grown_mib);
  CHECK(grown_mib <= 64);
}
