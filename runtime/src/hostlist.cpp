// Slurm's hostlist syntax: parsing and expanding `node[01-04,07],login`.
#include "internal/hostlist.hpp"

#include <cctype>
#include <charconv>
#include <limits>

namespace troupe::detail {

namespace {

// Nine digits keep every bound and count far inside `unsigned long`.
constexpr std::size_t max_digits = 9;

error bad(std::string what) {
  return error{errc::bad_option, std::move(what)};
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
}

std::string at(std::size_t offset) {
  return " at offset " + std::to_string(offset);
}

result<unsigned long> number(std::string_view s) {
  unsigned long n = 0;
  if (s.empty() || s.size() > max_digits)
    return bad({});
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || p != s.data() + s.size())
    return bad({});
  return n;
}

// One entry of a bracket: `7`, `01-04`; `offset` is where it starts in the whole list.
result<hostlist::range> parse_range(std::string_view s, std::size_t offset) {
  auto dash = s.find('-');
  auto lo_text = s.substr(0, dash);
  auto hi_text = dash == std::string_view::npos ? lo_text : s.substr(dash + 1);
  auto lo = number(lo_text);
  auto hi = number(hi_text);
  if (!lo || !hi)
    return bad("'" + std::string{s} + "'" + at(offset) +
               " is not a number or a range of numbers such as 01-04 (at most " +
               std::to_string(max_digits) + " digits each)");
  if (*lo > *hi)
    return bad("the range '" + std::string{s} + "'" + at(offset) + " goes down; write it low-high");
  return hostlist::range{*lo, *hi, lo_text.size()};
}

// The inside of a bracket: `01-04,07`; `offset` is where it starts in the whole list.
result<std::vector<hostlist::range>> parse_ranges(std::string_view s, std::size_t offset) {
  if (s.empty())
    return bad("the brackets" + at(offset - 1) + " hold no number");
  std::vector<hostlist::range> out;
  std::size_t pos = 0;
  for (;;) {
    auto comma = s.find(',', pos);
    auto item = s.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
    if (item.empty())
      return bad("an empty entry in the brackets" + at(offset + pos));
    auto r = parse_range(item, offset + pos);
    if (!r)
      return r.error();
    out.push_back(*r);
    if (comma == std::string_view::npos)
      return out;
    pos = comma + 1;
  }
}

std::string padded(unsigned long n, std::size_t width) {
  auto digits = std::to_string(n);
  if (digits.size() < width)
    digits.insert(0, width - digits.size(), '0');
  return digits;
}

std::size_t saturating_mul(std::size_t a, std::size_t b) {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a)
    return std::numeric_limits<std::size_t>::max();
  return a * b;
}

std::size_t saturating_add(std::size_t a, std::size_t b) {
  return b > std::numeric_limits<std::size_t>::max() - a ? std::numeric_limits<std::size_t>::max()
                                                         : a + b;
}

std::size_t count(const hostlist::bracket& b) {
  std::size_t n = 0;
  for (auto& r : b.ranges)
    n = saturating_add(n, r.hi - r.lo + 1);
  return n;
}

// Appends the hosts of `p` to `out`, brackets from `k` on, after `head`, until `limit`.
void expand_pattern(const hostlist::pattern& p, std::size_t k, const std::string& head,
                    std::vector<std::string>& out, std::size_t limit) {
  if (k == p.brackets.size()) {
    out.push_back(head);
    return;
  }
  auto& b = p.brackets[k];
  for (auto& r : b.ranges)
    for (auto n = r.lo; n <= r.hi && out.size() < limit; ++n)
      expand_pattern(p, k + 1, head + padded(n, r.width) + b.after, out, limit);
}

} // namespace

result<hostlist> hostlist::parse(std::string_view text) {
  if (text.empty())
    return bad("it is empty");
  hostlist out;
  std::size_t i = 0;
  for (;;) {
    pattern p;
    auto* literal = &p.prefix;
    auto start = i;
    while (i < text.size() && text[i] != ',') {
      char c = text[i];
      if (c == '[') {
        auto close = text.find_first_of("[]", i + 1);
        if (close == std::string_view::npos)
          return bad("the '['" + at(i) + " is not closed");
        if (text[close] == '[')
          return bad("a '['" + at(close) + " inside brackets");
        auto ranges = parse_ranges(text.substr(i + 1, close - i - 1), i + 1);
        if (!ranges)
          return ranges.error();
        p.brackets.push_back(bracket{std::move(*ranges), {}});
        literal = &p.brackets.back().after;
        i = close + 1;
      } else if (c == ']') {
        return bad("a ']'" + at(i) + " without its '['");
      } else if (host_char(c)) {
        literal->push_back(c);
        ++i;
      } else {
        return bad("'" + std::string(1, c) + "'" + at(i) +
                   " cannot be part of a host name (letters, digits, '-', '_', '.')");
      }
    }
    if (i == start)
      return bad("an empty host name" + at(i));
    out.patterns_.push_back(std::move(p));
    if (i == text.size())
      return out;
    ++i; // the comma
  }
}

std::string hostlist::first() const {
  auto& p = patterns_.front();
  auto host = p.prefix;
  for (auto& b : p.brackets)
    host += padded(b.ranges.front().lo, b.ranges.front().width) + b.after;
  return host;
}

std::size_t hostlist::size() const noexcept {
  std::size_t total = 0;
  for (auto& p : patterns_) {
    std::size_t n = 1;
    for (auto& b : p.brackets)
      n = saturating_mul(n, count(b));
    total = saturating_add(total, n);
  }
  return total;
}

std::vector<std::string> hostlist::expand(std::size_t limit) const {
  std::vector<std::string> out;
  for (auto& p : patterns_) {
    if (out.size() >= limit)
      break;
    expand_pattern(p, 0, p.prefix, out, limit);
  }
  return out;
}

} // namespace troupe::detail
