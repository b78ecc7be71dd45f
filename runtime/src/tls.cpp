// Mutual TLS: the --tls-* files checked before CAF sees them, the network actor and publish
// that use CAF's openssl module when TLS is on, and the rule for non-loopback listeners.
#include "internal/tls.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>

#include "internal/node_state.hpp"

namespace troupe::detail {

namespace {

const char* const how_to =
    "mutual TLS needs --tls-cert, --tls-key and --tls-ca together (scripts/dev-ca DIR NAME "
    "makes a development CA and certificates)";

struct x509_free {
  void operator()(X509* x) const noexcept {
    X509_free(x);
  }
};
using x509_ptr = std::unique_ptr<X509, x509_free>;

struct file_closer {
  void operator()(std::FILE* f) const noexcept {
    std::fclose(f);
  }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

error bad_tls(const std::string& flag, const std::string& file, const std::string& what) {
  ERR_clear_error();
  return error{errc::bad_option, flag + " " + file + ": " + what};
}

// `file` opened for reading, or an error naming `flag`.
result<file_ptr> open_pem(const std::string& flag, const std::string& file) {
  file_ptr f{std::fopen(file.c_str(), "rb")};
  if (!f)
    return bad_tls(flag, file,
                   "cannot read it (" + std::string{std::strerror(errno)} +
                       "); give a readable PEM file");
  return f;
}

// Every certificate in the PEM file `file` (a chain: the first is the subject's), or an error.
result<std::vector<x509_ptr>> read_certificates(const std::string& flag, const std::string& file,
                                                const std::string& what) {
  auto f = open_pem(flag, file);
  if (!f)
    return f.error();
  std::vector<x509_ptr> out;
  while (X509* x = PEM_read_X509(f->get(), nullptr, nullptr, nullptr))
    out.emplace_back(x);
  if (out.empty())
    return bad_tls(flag, file,
                   "not a PEM certificate (no '-----BEGIN CERTIFICATE-----' block OpenSSL can "
                   "read); give " +
                       what + " in PEM format");
  ERR_clear_error(); // the end of the file, reported as an error by PEM_read_X509
  return out;
}

int passphrase_cb(char* buf, int size, int, void* user) {
  auto* pass = static_cast<const std::string*>(user);
  auto n = std::min<std::size_t>(pass->size(), static_cast<std::size_t>(size));
  std::memcpy(buf, pass->data(), n);
  return static_cast<int>(n);
}

result<void> check_key(const node_config& cfg, X509* cert) {
  auto f = open_pem("--tls-key", cfg.openssl_key);
  if (!f)
    return f.error();
  auto pass = cfg.openssl_passphrase;
  EVP_PKEY* key = PEM_read_PrivateKey(f->get(), nullptr, &passphrase_cb, &pass);
  if (key == nullptr)
    return bad_tls("--tls-key", cfg.openssl_key,
                   "not a PEM private key OpenSSL can read (or an encrypted one without the "
                   "right openssl.passphrase); give the key made with --tls-cert");
  bool matches = X509_check_private_key(cert, key) == 1;
  EVP_PKEY_free(key);
  if (!matches)
    return bad_tls("--tls-key", cfg.openssl_key,
                   "does not match --tls-cert " + cfg.openssl_certificate +
                       "; give the key made with that certificate");
  return {};
}

// Whether the CA in `cfg.openssl_cafile` signed `chain` (this node's own certificate): a node
// whose certificate its peers would refuse had better say so at its start.
result<void> check_signed(const node_config& cfg, const std::vector<x509_ptr>& chain,
                          const std::vector<x509_ptr>& cas) {
  X509_STORE* store = X509_STORE_new();
  for (auto& ca : cas)
    X509_STORE_add_cert(store, ca.get());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  for (std::size_t i = 1; i < chain.size(); ++i)
    sk_X509_push(untrusted, chain[i].get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, chain.front().get(), untrusted);
  bool ok = X509_verify_cert(ctx) == 1;
  std::string why = ok ? "" : X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
  X509_STORE_CTX_free(ctx);
  sk_X509_free(untrusted);
  X509_STORE_free(store);
  if (!ok)
    return bad_tls("--tls-cert", cfg.openssl_certificate,
                   "not accepted by --tls-ca " + cfg.openssl_cafile + " (" + why +
                       "); give a certificate signed by that CA");
  return {};
}

} // namespace

result<bool> configure_tls(node_config& cfg) {
  if (!cfg.tls_cert.empty())
    cfg.openssl_certificate = cfg.tls_cert;
  if (!cfg.tls_key.empty())
    cfg.openssl_key = cfg.tls_key;
  if (!cfg.tls_ca.empty())
    cfg.openssl_cafile = cfg.tls_ca;
  // Any of CAF's keys turns its authentication on: then all three files are needed.
  bool any = !cfg.openssl_certificate.empty() || !cfg.openssl_key.empty() ||
             !cfg.openssl_cafile.empty() || !cfg.openssl_passphrase.empty() ||
             !cfg.openssl_capath.empty();
  if (!any)
    return false;
  const std::pair<const char*, const std::string*> needed[] = {
      {"--tls-cert (config key openssl.certificate)", &cfg.openssl_certificate},
      {"--tls-key (config key openssl.key)", &cfg.openssl_key},
      {"--tls-ca (config key openssl.cafile)", &cfg.openssl_cafile}};
  for (auto& [flag, value] : needed)
    if (value->empty())
      return error{errc::bad_option, std::string{flag} + " is missing: " + how_to};
  auto chain = read_certificates("--tls-cert", cfg.openssl_certificate, "this node's certificate");
  if (!chain)
    return chain.error();
  if (auto key = check_key(cfg, chain->front().get()); !key)
    return key.error();
  auto cas = read_certificates("--tls-ca", cfg.openssl_cafile,
                               "the CA certificate that signs the members' certificates");
  if (!cas)
    return cas.error();
  if (auto sig = check_signed(cfg, *chain, *cas); !sig)
    return sig.error();
  return true;
}

caf::io::middleman_actor network_actor(node_state& st) {
  return st.tls ? st.sys->openssl_manager().actor_handle() : st.sys->middleman().actor_handle();
}

caf::expected<std::uint16_t> publish(node_state& st, const caf::actor& whom, const endpoint& ep) {
  if (st.tls)
    return caf::openssl::publish(whom, ep.port, ep.host.c_str(), false);
  return st.sys->middleman().publish(whom, ep.port, ep.host.c_str(), false);
}

bool is_loopback(const std::string& host) {
  if (host.empty())
    return false;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0)
    return true;
  bool loopback = true;
  for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      auto a = ntohl(reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr.s_addr);
      loopback = loopback && (a >> 24) == 127;
    } else if (ai->ai_family == AF_INET6) {
      loopback = loopback &&
                 IN6_IS_ADDR_LOOPBACK(&reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr);
    }
  }
  ::freeaddrinfo(found);
  return loopback;
}

result<void> check_exposure(const node_state& st, const endpoint& ep, const std::string& what) {
  if (st.tls || st.cfg->insecure || is_loopback(ep.host))
    return {};
  return error{errc::bad_option,
               what + ": " + ep.host +
                   " is not a loopback address, and without TLS any host that reaches it could "
                   "join the cluster; give --tls-cert, --tls-key and --tls-ca (scripts/dev-ca "
                   "DIR NAME... makes a development CA and certificates), or --insecure on a "
                   "trusted network"};
}

} // namespace troupe::detail
