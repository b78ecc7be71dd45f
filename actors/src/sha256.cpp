#include "internal/sha256.hpp"

#include <new>

#include <openssl/evp.h>

namespace troupe::actors::detail {

void sha256::free_ctx::operator()(evp_md_ctx_st* ctx) const noexcept {
  EVP_MD_CTX_free(ctx);
}

// EVP fails only when out of memory or when the provider lacks SHA-256 (a broken OpenSSL
// install): neither is an input a caller could fix, so both throw like an allocation.
sha256::sha256()
  : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
    throw std::bad_alloc{};
}

sha256::sha256(sha256&&) noexcept = default;
sha256& sha256::operator=(sha256&&) noexcept = default;
sha256::~sha256() = default;

void sha256::update(std::span<const char> bytes) {
  if (!bytes.empty() && EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) != 1)
    throw std::bad_alloc{};
}

std::string sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), digest, &length) != 1)
    throw std::bad_alloc{};
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out += digits[digest[i] >> 4];
    out += digits[digest[i] & 0xf];
  }
  return out;
}

std::string sha256_hex(std::span<const char> bytes) {
  sha256 digest;
  digest.update(bytes);
  return digest.hex();
}

} // namespace troupe::actors::detail
