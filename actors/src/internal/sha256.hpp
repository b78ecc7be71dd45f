// SHA-256 through OpenSSL's EVP API, for the checksums of checkpoint files.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

struct evp_md_ctx_st;

namespace troupe::actors::detail {

/// An incremental SHA-256 digest: `update` with each piece in order, then `hex`.
class sha256 {
public:
  sha256();
  sha256(sha256&&) noexcept;
  sha256& operator=(sha256&&) noexcept;
  ~sha256();

  /// Adds `bytes` to the digest.
  void update(std::span<const char> bytes);

  /// The digest of everything added, as 64 lowercase hex digits; ends this digest.
  std::string hex();

private:
  struct free_ctx {
    void operator()(evp_md_ctx_st* ctx) const noexcept;
  };
  std::unique_ptr<evp_md_ctx_st, free_ctx> ctx_;
};

/// The SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::span<const char> bytes);

} // namespace troupe::actors::detail
