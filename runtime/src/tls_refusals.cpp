// One line on stderr for every refused TLS handshake, saying why; and a cap on the accepted
// connections still in their handshake.
//
// CAF 0.17's openssl module makes a fresh SSL_CTX per connection (session.cpp) with
// SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr), and
// with its logger compiled out (Debian's build) drops the reason of a failed handshake without
// a word. It offers no hook; OpenSSL's callbacks are per context. So this file defines
// SSL_CTX_set_verify itself: the dynamic linker binds CAF's call to the executable's
// definition, which forwards to OpenSSL's and adds a verify and an info callback that report
// (and count handshakes in progress).
#include "internal/tls.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace troupe::detail {

namespace {

struct reporter {
  std::mutex mtx;
  bool on = false;
  std::string program;
  std::string ca_file;
  // (side, peer host, reason) → when last printed: a joiner retrying every 100 ms is refused
  // for the same reason many times; one line per minute says it.
  std::map<std::string, std::chrono::steady_clock::time_point> printed;
  // The connections accepted and still in their TLS handshake, oldest first (see admit).
  std::deque<std::pair<const SSL*, int>> pending;
};

// At most this many accepted connections wait in their TLS handshake: each holds ≈ 70 KiB
// (CAF makes an SSL_CTX per connection) and a file descriptor, and CAF 0.17 never times one
// out. A real peer's handshake takes milliseconds, so closing the oldest makes room without
// shutting members out.
constexpr std::size_t max_pending = 256;

reporter& the_reporter() {
  static reporter r;
  return r;
}

// What a handshake that fails tells, gathered by the callbacks below (owned by the SSL).
struct handshake {
  std::string peer = "?"; // taken at the start: a peer that gave up has no address any more
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  int verify_error = 0;
  int alert_received = -1;
  unsigned long error_sent = 0;
  bool failed = false;
  bool printed = false;
  bool pending = false;
};

void settle(reporter& r, const SSL* ssl, handshake& h);

void free_handshake(void* ssl, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  if (auto* h = static_cast<handshake*>(ptr)) {
    auto& r = the_reporter();
    std::lock_guard<std::mutex> guard{r.mtx};
    settle(r, static_cast<const SSL*>(ssl), *h);
    delete h;
  }
}

int handshake_index() {
  static int idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, &free_handshake);
  return idx;
}

std::string peer_of(const SSL* ssl) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  char text[INET6_ADDRSTRLEN] = "?";
  std::uint16_t port = 0;
  if (::getpeername(SSL_get_fd(ssl), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return "?";
  if (addr.ss_family == AF_INET) {
    auto& in = reinterpret_cast<sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    port = ntohs(in.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    auto& in = reinterpret_cast<sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &in.sin6_addr, text, sizeof text);
    port = ntohs(in.sin6_port);
  }
  return std::string{text} + ":" + std::to_string(port);
}

void say(reporter& r, bool server, const std::string& peer, const std::string& why);

// Lists an accepted connection as pending; closes the oldest pending one beyond max_pending
// (CAF then reads its end and frees it, on this thread, after this callback).
void admit(reporter& r, const SSL* ssl, handshake& h) {
  h.pending = true;
  r.pending.emplace_back(ssl, SSL_get_fd(ssl));
  if (r.pending.size() <= max_pending)
    return;
  auto [oldest, fd] = r.pending.front();
  r.pending.pop_front();
  auto* old = static_cast<handshake*>(SSL_get_ex_data(oldest, handshake_index()));
  old->pending = false;
  old->printed = true;
  ::shutdown(fd, SHUT_RDWR);
  say(r, true, old->peer,
      "it was the oldest of more than " + std::to_string(max_pending) +
          " connections still in their TLS handshake");
}

// Takes `ssl` off the pending list: its handshake ended, or it is freed.
void settle(reporter& r, const SSL* ssl, handshake& h) {
  if (!h.pending)
    return;
  h.pending = false;
  auto i =
      std::find_if(r.pending.begin(), r.pending.end(), [ssl](auto& p) { return p.first == ssl; });
  if (i != r.pending.end())
    r.pending.erase(i);
}

// The facts of `ssl`'s handshake. The callbacks below hold the reporter's lock throughout: a
// connection's handshake starts on one thread and goes on on another (CAF's, which TSan cannot
// see synchronise), and the pending list spans connections.
handshake& facts(reporter& r, const SSL* ssl) {
  auto* h = static_cast<handshake*>(SSL_get_ex_data(ssl, handshake_index()));
  if (h == nullptr) {
    h = new handshake{};
    h->peer = peer_of(ssl);
    SSL_set_ex_data(const_cast<SSL*>(ssl), handshake_index(), h);
    if (SSL_is_server(const_cast<SSL*>(ssl)) == 1)
      admit(r, ssl, *h);
  }
  return *h;
}

bool unknown_issuer(int err) {
  switch (err) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return true;
    default:
      return false;
  }
}

// Whether OpenSSL's error `e` says that the peer's first bytes are not TLS.
bool not_tls(unsigned long e) {
  if (ERR_GET_LIB(e) != ERR_LIB_SSL)
    return false;
  switch (ERR_GET_REASON(e)) {
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_UNKNOWN_PROTOCOL:
    case SSL_R_RECORD_LENGTH_MISMATCH:
    case SSL_R_UNSUPPORTED_PROTOCOL:
      return true;
    default:
      return false;
  }
}

// Why the handshake on `ssl` failed: the certificate check, the fatal alert received, or the
// error behind the fatal alert sent.
std::string reason(const handshake& h, const std::string& ca_file) {
  if (int err = h.verify_error; err != 0) {
    if (unknown_issuer(err))
      return "its certificate is not signed by --tls-ca " + ca_file;
    return std::string{"its certificate is not valid: "} + X509_verify_cert_error_string(err);
  }
  if (h.alert_received >= 0)
    return std::string{"it refused this node's certificate (TLS alert: "} +
           SSL_alert_desc_string_long(h.alert_received) +
           "); both sides need certificates signed by the CA of --tls-ca " + ca_file;
  auto e = h.error_sent;
  if (not_tls(e))
    return "it does not speak TLS (a node started without --tls-cert, --tls-key and --tls-ca, "
           "or not a troupe node)";
  if (ERR_GET_LIB(e) == ERR_LIB_SSL) {
    switch (ERR_GET_REASON(e)) {
      case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
        return "it sent no certificate (a TLS peer without --tls-cert)";
      case SSL_R_UNEXPECTED_EOF_WHILE_READING:
        return "it closed the connection during the TLS handshake (a node without --tls-cert, "
               "--tls-key and --tls-ca waits, then gives up this way)";
      default:
        break;
    }
  }
  if (const char* text = ERR_reason_error_string(e))
    return std::string{"TLS handshake failed: "} + text;
  return "TLS handshake failed";
}

// A peer that closes at once without sending a byte is no refused member: a joining node
// probes the port this way before CAF connects (node_network.cpp), as port scanners do. One
// that waited first is a node without TLS, which waits for CAF's greeting in vain.
bool probe(const SSL* ssl, const handshake& h) {
  return BIO_number_read(SSL_get_rbio(ssl)) == 0 &&
         ERR_GET_REASON(h.error_sent) == SSL_R_UNEXPECTED_EOF_WHILE_READING &&
         std::chrono::steady_clock::now() - h.start < std::chrono::milliseconds{500};
}

// Prints one line, unless the same was said of the same host less than a minute ago.
void say(reporter& r, bool server, const std::string& peer, const std::string& why) {
  auto host = peer.substr(0, peer.rfind(':'));
  auto key = std::string{server ? "in " : "out "} + host + " " + why;
  auto now = std::chrono::steady_clock::now();
  if (r.printed.size() > 1024) // many hosts: forget those quiet for a minute
    std::erase_if(r.printed, [now](auto& p) { return now - p.second >= std::chrono::minutes{1}; });
  auto [it, fresh] = r.printed.try_emplace(key, now);
  if (!fresh && now - it->second < std::chrono::minutes{1})
    return;
  it->second = now;
  if (server)
    std::fprintf(stderr, "%s: refused a connection from %s: %s\n", r.program.c_str(), peer.c_str(),
                 why.c_str());
  else
    std::fprintf(stderr, "%s: a TLS connection to %s failed: %s\n", r.program.c_str(), peer.c_str(),
                 why.c_str());
}

void print(reporter& r, const SSL* ssl, handshake& h) {
  if (h.printed || probe(ssl, h))
    return;
  h.printed = true;
  say(r, SSL_is_server(const_cast<SSL*>(ssl)) == 1, h.peer, reason(h, r.ca_file));
}

int on_verify(int ok, X509_STORE_CTX* store) {
  if (ok == 0) {
    auto* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto& r = the_reporter();
    std::lock_guard<std::mutex> guard{r.mtx};
    if (ssl != nullptr && facts(r, ssl).verify_error == 0)
      facts(r, ssl).verify_error = X509_STORE_CTX_get_error(store);
  }
  return ok;
}

// A failed handshake sends or receives a fatal alert (OpenSSL raises the error just before it
// sends one), except when the first bytes are not TLS at all, then returns from SSL_accept or
// SSL_connect; so does one waiting for the socket. OpenSSL's error queue alone cannot tell them
// apart (CAF never empties it), and an error cleared here would read as "wait" to CAF.
void on_info(const SSL* ssl, int where, int ret) {
  auto& r = the_reporter();
  std::lock_guard<std::mutex> guard{r.mtx};
  auto& h = facts(r, ssl);
  if ((where & SSL_CB_ALERT) != 0 && (ret >> 8) == SSL3_AL_FATAL && !h.failed) {
    h.failed = true;
    if ((where & SSL_CB_READ) != 0)
      h.alert_received = ret & 0xff;
    else
      h.error_sent = ERR_peek_last_error();
  }
  if ((where & SSL_CB_HANDSHAKE_DONE) != 0)
    settle(r, ssl, h);
  if ((where & SSL_CB_EXIT) == 0 || ret > 0)
    return;
  if (!h.failed && not_tls(ERR_peek_last_error())) {
    h.failed = true; // OpenSSL sends no alert for a first record that is not TLS
    h.error_sent = ERR_peek_last_error();
  }
  if (!h.failed)
    return;
  settle(r, ssl, h);
  print(r, ssl, h);
  ERR_clear_error();
}

} // namespace

void report_tls_refusals(const node_config& cfg) {
  auto& r = the_reporter();
  std::lock_guard<std::mutex> guard{r.mtx};
  r.on = true;
  r.program = cfg.program;
  r.ca_file = cfg.openssl_cafile;
}

} // namespace troupe::detail

extern "C" void SSL_CTX_set_verify(SSL_CTX* ctx, int mode, SSL_verify_cb cb) {
  using real_fn = void (*)(SSL_CTX*, int, SSL_verify_cb);
  static auto real = reinterpret_cast<real_fn>(::dlsym(RTLD_NEXT, "SSL_CTX_set_verify"));
  bool ours = false;
  {
    auto& r = troupe::detail::the_reporter();
    std::lock_guard<std::mutex> guard{r.mtx};
    ours = r.on && cb == nullptr && (mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT) != 0;
  }
  if (ours) {
    cb = &troupe::detail::on_verify;
    SSL_CTX_set_info_callback(ctx, &troupe::detail::on_info);
  }
  real(ctx, mode, cb);
}
