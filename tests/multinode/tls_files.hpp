// Helpers for the TLS tests: a development CA and node certificates made by scripts/dev-ca in a
// fresh temporary directory, removed at the end of the test.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "nodes.hpp"

namespace troupe::test {

/// A CA and certificates for `names` (scripts/dev-ca) in a temporary directory.
struct dev_ca {
  explicit dev_ca(std::vector<std::string> names) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "troupe-tls-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
    names.insert(names.begin(), dir);
    process p{TROUPE_DEV_CA, std::move(names)};
    auto code = p.wait(finish_timeout, "scripts/dev-ca");
    INFO("scripts/dev-ca said:\n" << p.out() << p.err());
    REQUIRE(code == 0);
  }

  dev_ca(const dev_ca&) = delete;
  dev_ca& operator=(const dev_ca&) = delete;

  ~dev_ca() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  [[nodiscard]] std::string cert(const std::string& name) const {
    return dir + "/" + name + ".pem";
  }

  [[nodiscard]] std::string key(const std::string& name) const {
    return dir + "/" + name + ".key";
  }

  [[nodiscard]] std::string ca() const {
    return dir + "/ca.pem";
  }

  /// `--tls-cert`, `--tls-key` and `--tls-ca` for the node `name`.
  [[nodiscard]] std::vector<std::string> flags(const std::string& name) const {
    return {"--tls-cert", cert(name), "--tls-key", key(name), "--tls-ca", ca()};
  }

  std::string dir;
};

/// `a` followed by `b`.
inline std::vector<std::string> with_flags(std::vector<std::string> a,
                                           const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// Writes the contents of `files`, then `text`, into `out`.
inline void concatenate(std::initializer_list<std::string> files, const std::string& out,
                        const std::string& text = {}) {
  std::ofstream o{out, std::ios::binary};
  for (auto& f : files)
    o << std::ifstream{f, std::ios::binary}.rdbuf();
  o << text;
  REQUIRE(o.good());
}

} // namespace troupe::test
