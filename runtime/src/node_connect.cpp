// Opening a CAF connection over a socket the node connected itself (CAF 0.17's transport
// types; keep them here).
//
// Why not test the port with a throw-away connection and then let CAF connect: CAF 0.17 names
// a connection by its socket's number and cleans up a closed one only after the messages in
// flight before it are delivered. The node at the other end accepts the throw-away connection,
// sees it closed, and may apply that cleanup to a connection it accepted meanwhile under the
// same number (another node joining at the same moment): it drops that node from its routing
// table and answers nothing more on it, and the joiner waits for the connection timeout.
#include "internal/node_connect.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/io/basp_broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/network/default_multiplexer.hpp>
#include <caf/io/network/stream_impl.hpp>
#include <caf/openssl/session.hpp>

#include "internal/node_state.hpp"
#include "internal/tsan.hpp"

namespace troupe::detail {

namespace {

using steady = std::chrono::steady_clock;

// CAF's openssl module keeps its TLS transport private (libcaf_openssl's middleman_actor.cpp):
// the same one, for a socket connected here.
struct tls_policy {
  explicit tls_policy(caf::openssl::session_ptr s)
    : session(std::move(s)) {
  }

  caf::io::network::rw_state read_some(std::size_t& result, int fd, void* buf, std::size_t len) {
    return session->read_some(result, fd, buf, len);
  }

  caf::io::network::rw_state write_some(std::size_t& result, int fd, const void* buf,
                                        std::size_t len) {
    return session->write_some(result, fd, buf, len);
  }

  bool try_accept(int&, int) {
    return false; // a connecting transport never accepts
  }

  bool must_read_more(int fd, std::size_t threshold) {
    return session->must_read_more(fd, threshold);
  }

  caf::openssl::session_ptr session;
};

class tls_scribe final : public caf::io::scribe {
public:
  tls_scribe(caf::io::network::default_multiplexer& mpx, int fd, caf::openssl::session_ptr s)
    : caf::io::scribe(caf::io::network::conn_hdl_from_socket(fd))
    , stream_(mpx, fd, std::move(s)) {
  }

  // Made on the thread that connected, then used by the broker's: the broker's first calls
  // acquire what make_scribe released (CAF's hand-off between them is invisible to TSan).
  void configure_read(caf::io::receive_policy::config config) override {
    TROUPE_TSAN_ACQUIRE(this);
    stream_.configure_read(config);
    if (!launched_) {
      launched_ = true;
      stream_.start(this);
      // Lets the session finish SSL_connect even before there is anything to write.
      stream_.force_empty_write(this);
    }
  }

  void ack_writes(bool enable) override {
    TROUPE_TSAN_ACQUIRE(this);
    stream_.ack_writes(enable);
  }

  std::vector<char>& wr_buf() override {
    TROUPE_TSAN_ACQUIRE(this);
    return stream_.wr_buf();
  }

  std::vector<char>& rd_buf() override {
    return stream_.rd_buf();
  }

  void graceful_shutdown() override {
    stream_.graceful_shutdown();
    detach(&stream_.backend(), false);
  }

  void flush() override {
    stream_.flush(this);
  }

  std::string addr() const override {
    auto x = caf::io::network::remote_addr_of_fd(stream_.fd());
    return x ? *x : std::string{};
  }

  std::uint16_t port() const override {
    auto x = caf::io::network::remote_port_of_fd(stream_.fd());
    return x ? *x : 0;
  }

  void add_to_loop() override {
    TROUPE_TSAN_ACQUIRE(this);
    stream_.activate(this);
  }

  void remove_from_loop() override {
    stream_.passivate();
  }

private:
  bool launched_ = false;
  caf::io::network::stream_impl<tls_policy> stream_;
};

} // namespace

std::variant<int, std::string> connected_socket(const endpoint& ep, steady::time_point deadline) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  auto port = std::to_string(ep.port);
  if (int rc = ::getaddrinfo(ep.host.c_str(), port.c_str(), &hints, &found); rc != 0)
    return "unknown host: " + std::string{::gai_strerror(rc)};
  std::variant<int, std::string> out = std::string{"no address"};
  for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd =
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
      out = std::string{std::strerror(errno)};
      continue;
    }
    int err = ::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : errno;
    if (err == EINPROGRESS) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - steady::now());
      pollfd pfd{fd, POLLOUT, 0};
      int rc = ::poll(&pfd, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
      socklen_t len = sizeof err;
      if (rc == 0)
        err = ETIMEDOUT;
      else if (rc < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    }
    if (err == 0) {
      out = fd;
      break;
    }
    ::close(fd);
    out = err == ETIMEDOUT ? std::string{"the connection did not open in time: nothing answers "
                                         "there, or its accept queue is full"}
                           : std::string{std::strerror(err)};
  }
  ::freeaddrinfo(found);
  return out;
}

caf::io::scribe_ptr make_scribe(node_state& st, int fd) {
  auto& mpx = static_cast<caf::io::network::default_multiplexer&>(st.sys->middleman().backend());
  if (!st.tls)
    return mpx.new_scribe(fd);
  auto session = caf::openssl::make_session(*st.sys, fd, false);
  if (!session) {
    ::close(fd);
    return nullptr;
  }
  auto scribe = caf::make_counted<tls_scribe>(mpx, fd, std::move(session));
  TROUPE_TSAN_RELEASE(scribe.get()); // for the broker's thread (tls_scribe::configure_read)
  return scribe;
}

caf::actor basp_broker(node_state& st) {
  return st.sys->middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
}

namespace {

// Waits until the other node's first bytes are in `fd`'s buffer (or it closed), at most until
// `deadline`; false when none came. Over plain TCP a troupe node sends CAF's handshake as soon as
// it accepts. CAF 0.17.6's broker closes a connection it was handed as timed out at its next
// heartbeat tick (every heartbeat interval) unless the other node's handshake came before: its
// connect handler leaves the connection's last-seen time at the clock's epoch. A node that is
// slow to accept (paused, starved, just awake) then loses the connection, and every new attempt
// leaves one more dead connection in its accept queue; waiting here first hands the broker a
// connection whose handshake is already there.
bool await_first_bytes(int fd, steady::time_point deadline) {
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - steady::now());
    pollfd pfd{fd, POLLIN, 0};
    int rc = ::poll(&pfd, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
    if (rc > 0)
      return true;
    if (rc == 0 || errno != EINTR)
      return false;
  }
}

} // namespace

connect_outcome open_connection(node_state& st, caf::blocking_actor& self, const endpoint& ep,
                                steady::time_point deadline, handshake_first first) {
  auto sock = connected_socket(ep, deadline);
  if (auto* why = std::get_if<std::string>(&sock))
    return std::move(*why);
  int fd = std::get<int>(sock);
  // With TLS the other node waits for this one's hello: nothing to wait for first.
  if (first == handshake_first::wait && !st.tls && !await_first_bytes(fd, deadline)) {
    ::close(fd);
    return caf::error{caf::sec::request_timeout};
  }
  auto scribe = make_scribe(st, fd);
  if (!scribe)
    return std::string{"no TLS session could be made for the connection"};
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
  connect_outcome out = caf::error{};
  self.request(basp_broker(st), std::max(left, std::chrono::milliseconds{1}),
               caf::connect_atom::value, std::move(scribe), ep.port)
      .receive(
          [&](caf::node_id& nid, caf::strong_actor_ptr& published, std::set<std::string>& ifs) {
            out = opened_connection{std::move(nid), std::move(published), std::move(ifs)};
          },
          [&](caf::error& err) { out = std::move(err); });
  return out;
}

void connect_detached(node_state& st, endpoint ep, steady::time_point deadline,
                      std::function<void(connect_outcome)> done) {
  // The request travels in the spawn, not in a message: CAF's blocking mailbox hands a message
  // over unseen by ThreadSanitizer, a new thread does not.
  st.sys->spawn<caf::detached + caf::hidden>(
      [&st, ep = std::move(ep), deadline, done = std::move(done)](caf::blocking_actor* self) {
        done(open_connection(st, *self, ep, deadline, handshake_first::wait));
      });
}

} // namespace troupe::detail
