#include "table.hpp"

#include "json_read.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <tuple>

namespace troupe_top {

namespace {

struct column_spec {
  std::string_view heading;
  int width;
  bool right; // numbers align right
};

constexpr column_spec specs[column_count] = {
    {"ID", 6, true},      {"NAME", 18, false},     {"TYPE", 12, false}, {"NODE", 21, false},
    {"STATE", 10, false}, {"AWAITING", 26, false}, {"SINCE", 8, true},  {"MAILBOX", 7, true},
    {"MSG/S", 8, true},   {"BUSY%", 6, true},
};

const json::array* actors_of(const member_view& m) {
  auto it = m.actors.find("actors");
  return it != m.actors.end() && it->value().is_array() ? &it->value().as_array() : nullptr;
}

// The counters of each actor in a view, keyed by (member address, actor id).
using counters = std::map<std::pair<std::string, std::uint64_t>, std::pair<double, double>>;

counters counters_of(const cluster_view& v) {
  counters out;
  for (auto& m : v.members)
    if (auto list = actors_of(m))
      for (auto& a : *list)
        if (a.is_object()) {
          auto& o = a.as_object();
          out[{m.address, static_cast<std::uint64_t>(number_of(o, "id"))}] = {
              number_of(o, "received"), number_of(o, "busy_seconds")};
        }
  return out;
}

std::string fit(std::string_view text, const column_spec& spec) {
  auto w = static_cast<std::size_t>(spec.width);
  std::string s{text.substr(0, w)};
  if (text.size() > w)
    s.back() = '~';
  std::string pad(w - s.size(), ' ');
  return spec.right ? pad + s : s + pad;
}

} // namespace

std::string_view heading(column c) {
  return specs[static_cast<int>(c)].heading;
}

std::string server_sort(column c, bool reverse) {
  // The rate columns have no key on a node (a rate needs two rounds): the actors with the most
  // messages and busy time in all are asked for instead, then ordered by rate here.
  std::string_view key = "id";
  switch (c) {
    case column::name:
      key = "name";
      break;
    case column::type:
      key = "type";
      break;
    case column::state:
      key = "state";
      break;
    case column::awaiting:
      key = "await";
      break;
    case column::since:
      key = "waiting";
      break;
    case column::mailbox:
      key = "mailbox";
      break;
    case column::msgs:
      key = "received";
      break;
    case column::busy:
      key = "busy";
      break;
    case column::id:
    case column::node:
      break;
  }
  return (reverse ? "-" : "") + std::string{key};
}

double matched_actors(const cluster_view& v) {
  double n = 0;
  for (auto& m : v.members)
    if (m.answered)
      if (auto list = actors_of(m))
        n += number_of(m.actors, "matched", static_cast<double>(list->size()));
  return n;
}

std::vector<row> actor_rows(const cluster_view& now, const cluster_view* before) {
  counters earlier;
  double span = 0;
  if (before) {
    earlier = counters_of(*before);
    span = std::chrono::duration<double>(now.taken - before->taken).count();
  }
  std::vector<row> rows;
  for (std::size_t i = 0; i < now.members.size(); ++i) {
    auto& m = now.members[i];
    auto list = actors_of(m);
    if (!m.answered || !list)
      continue;
    for (auto& a : *list) {
      if (!a.is_object())
        continue;
      auto& o = a.as_object();
      row r;
      r.id = static_cast<std::uint64_t>(number_of(o, "id"));
      r.name = text_of(o, "name");
      r.type = text_of(o, "type");
      r.node = m.address;
      r.member = i;
      r.state = text_of(o, "state");
      r.mailbox = number_of(o, "mailbox");
      if (auto it = o.find("awaits"); it != o.end() && it->value().is_array() &&
                                      !it->value().as_array().empty() &&
                                      it->value().as_array().front().is_object()) {
        auto& first = it->value().as_array().front().as_object();
        r.awaiting = describe_await(first);
        r.since = number_of(first, "waiting_seconds");
      }
      if (auto it = earlier.find({m.address, r.id}); it != earlier.end() && span > 0) {
        r.msgs_per_s = std::max(0.0, (number_of(o, "received") - it->second.first) / span);
        r.busy = std::clamp((number_of(o, "busy_seconds") - it->second.second) / span, 0.0, 1.0);
      }
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

void sort_rows(std::vector<row>& rows, column by, bool reverse) {
  auto key = [by](const row& r) {
    using num = double;
    switch (by) {
      case column::name:
        return std::tuple<num, std::string>{0, r.name};
      case column::type:
        return std::tuple<num, std::string>{0, r.type};
      case column::node:
        return std::tuple<num, std::string>{0, r.node};
      case column::state:
        return std::tuple<num, std::string>{0, r.state};
      case column::awaiting:
        return std::tuple<num, std::string>{0, r.awaiting};
      case column::since:
        return std::tuple<num, std::string>{-r.since, {}};
      case column::mailbox:
        return std::tuple<num, std::string>{-r.mailbox, {}};
      case column::msgs:
        return std::tuple<num, std::string>{-r.msgs_per_s, {}};
      case column::busy:
        return std::tuple<num, std::string>{-r.busy, {}};
      case column::id:
        break;
    }
    return std::tuple<num, std::string>{static_cast<num>(r.id), {}};
  };
  auto less = [&](const row& x, const row& y) {
    auto kx = key(x);
    auto ky = key(y);
    if (kx != ky)
      return kx < ky;
    return std::tie(x.node, x.id) < std::tie(y.node, y.id);
  };
  std::sort(rows.begin(), rows.end(),
            [&](const row& x, const row& y) { return reverse ? less(y, x) : less(x, y); });
}

void filter_rows(std::vector<row>& rows, std::string_view text) {
  if (text.empty())
    return;
  std::erase_if(rows, [&](const row& r) {
    for (auto field : {std::to_string(r.id), r.name, r.type, r.node, r.state, r.awaiting})
      if (contains_text(field, text))
        return false;
    return true;
  });
}

std::string heading_line(column sorted, bool reverse) {
  std::string line;
  for (int c = 0; c < column_count; ++c) {
    std::string h{specs[c].heading};
    if (c == static_cast<int>(sorted))
      h += reverse ? "^" : "v";
    line += (c ? " " : "") + fit(h, specs[c]);
  }
  return line;
}

std::string short_duration(double s) {
  if (s < 0)
    return "";
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%d m %02d s", static_cast<int>(s / 60),
                  static_cast<int>(s) % 60);
  else
    std::snprintf(buf, sizeof buf, "%d h %02d m", static_cast<int>(s / 3600),
                  static_cast<int>(s / 60) % 60);
  return buf;
}

std::string row_line(const row& r) {
  std::string cells[column_count] = {
      std::to_string(r.id),
      r.name,
      r.type,
      r.node,
      r.state,
      r.awaiting,
      short_duration(r.since),
      fixed(r.mailbox, 0),
      r.msgs_per_s < 0 ? "-" : fixed(r.msgs_per_s, 1),
      r.busy < 0 ? "-" : fixed(r.busy * 100, 1),
  };
  std::string line;
  for (int c = 0; c < column_count; ++c)
    line += (c ? " " : "") + fit(cells[c], specs[c]);
  return line;
}

} // namespace troupe_top
