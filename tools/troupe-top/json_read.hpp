// Lenient readers of the monitors' JSON: a missing or mistyped field gives the fallback, so a
// node of another version shows what it has instead of nothing.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace troupe_top {

namespace json = boost::json;

/// The number at `key` (any JSON number type), else `fallback`.
inline double number_of(const json::object& o, std::string_view key, double fallback = 0) {
  auto it = o.find(key);
  if (it == o.end())
    return fallback;
  auto& v = it->value();
  if (v.is_double())
    return v.as_double();
  if (v.is_int64())
    return static_cast<double>(v.as_int64());
  if (v.is_uint64())
    return static_cast<double>(v.as_uint64());
  return fallback;
}

/// The string at `key`, else empty.
inline std::string text_of(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string{it->value().as_string()}
                                                  : std::string{};
}

/// Whether `hay` contains `needle`, in any case.
inline bool contains_text(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         }) != hay.end();
}

/// `v` with `decimals` digits after the point.
inline std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

/// One await of an actor: "reply from 12", "receive (int, double)", "timer", "kernel stencil 3/8".
inline std::string describe_await(const json::object& a) {
  auto kind = text_of(a, "kind");
  if (kind == "reply")
    return "reply from " + std::to_string(static_cast<std::uint64_t>(number_of(a, "peer")));
  if (kind == "receive") {
    auto types = text_of(a, "types");
    auto it = a.find("senders");
    if (it == a.end() || !it->value().is_array() || it->value().as_array().empty())
      return types.empty() ? "receive" : "receive (" + types + ")";
    // A receive that names its senders: "halo from 12, 14@127.0.0.1:4001".
    auto why = text_of(a, "expecting");
    std::string out = (why.empty() ? "receive" : why) + " from";
    const char* sep = " ";
    for (auto& s : it->value().as_array()) {
      if (!s.is_object())
        continue;
      out += sep + std::to_string(static_cast<std::uint64_t>(number_of(s.as_object(), "id")));
      if (auto node = text_of(s.as_object(), "node"); !node.empty())
        out += "@" + node;
      sep = ", ";
    }
    return out;
  }
  if (kind == "kernel")
    return "kernel " + text_of(a, "kernel") + " " +
           std::to_string(static_cast<long>(number_of(a, "chunks_done"))) + "/" +
           std::to_string(static_cast<long>(number_of(a, "chunks_total")));
  return kind;
}

} // namespace troupe_top
