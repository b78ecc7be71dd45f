// Internal: Slurm's hostlist syntax (`node[01-04,07],login-ib`), as SLURM_STEP_NODELIST holds it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <troupe/result.hpp>

namespace troupe::detail {

/// A parsed Slurm hostlist: host names separated by commas, each with any number of bracketed
/// number sets (`node[01-04,07]`, `rack[1-2]-n[01-02]`). A number keeps the width of its
/// range's lower bound (`[08-10]` gives 08 09 10, `[8-10]` gives 8 9 10); several brackets
/// expand leftmost slowest, as Slurm does. Host names hold letters, digits, '-', '_' and '.'.
class hostlist {
public:
  /// Parses `text`; an error says what is wrong and where (without naming where `text` came
  /// from: the caller does).
  static result<hostlist> parse(std::string_view text);

  /// The first host, e.g. `node01` of `node[01-04]`.
  [[nodiscard]] std::string first() const;

  /// How many hosts the list names (saturates at the largest `std::size_t`).
  [[nodiscard]] std::size_t size() const noexcept;

  /// The first `limit` hosts, in order.
  [[nodiscard]] std::vector<std::string> expand(std::size_t limit = 65536) const;

  /// One bracket's numbers from `lo` to `hi`, printed at least `width` digits wide.
  struct range {
    unsigned long lo = 0;
    unsigned long hi = 0;
    std::size_t width = 0;
  };

  /// A bracket, and the literal text after it up to the next bracket.
  struct bracket {
    std::vector<range> ranges;
    std::string after;
  };

  /// One comma-separated entry: a literal prefix, then brackets.
  struct pattern {
    std::string prefix;
    std::vector<bracket> brackets;
  };

private:
  std::vector<pattern> patterns_;
};

} // namespace troupe::detail
