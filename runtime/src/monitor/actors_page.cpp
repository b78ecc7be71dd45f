// `/api/v1/actors`: one page of the node's actors, sorted, filtered, offset and limited. A page
// costs what it shows: a first pass reads of every actor only what the order and the filter
// need, the page is chosen from that, and a second pass reads every field of its actors.
#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>
#include <variant>

#include "../internal/monitor_json.hpp"

namespace troupe::detail::monitor {

namespace json = boost::json;

namespace {

using sys_clock = std::chrono::system_clock;

// How `/api/v1/actors?sort=` orders actors: a key per field, numbers descending (the busiest
// first), text ascending; `-FIELD` reverses.
using less_fn = bool (*)(const actor_info&, const actor_info&);

// A sort key: its order, and the fields of a record it reads (read_fields).
struct sort_key {
  less_fn less;
  unsigned fields;
};

// When the actor's first await began; actors awaiting nothing sort after every waiting one.
sys_clock::time_point waited_since(const actor_info& a) {
  return a.awaits.empty() ? sys_clock::time_point::max() : a.awaits.front().since;
}

// The first await as troupe-top words it: its kind, then what it awaits. No await sorts first.
std::tuple<std::string_view, std::string_view, std::uint64_t> first_await(const actor_info& a) {
  if (a.awaits.empty())
    return {};
  auto& w = a.awaits.front();
  return {to_string(w.what), w.what == await_info::kind::kernel ? w.kernel : w.types, w.peer};
}

const std::map<std::string_view, sort_key>& sort_keys() {
  static const std::map<std::string_view, sort_key> keys{
      {"id", {[](const actor_info& x, const actor_info& y) { return x.id < y.id; }, 0}},
      {"name",
       {[](const actor_info& x, const actor_info& y) { return x.name < y.name; }, read_text}},
      {"type",
       {[](const actor_info& x, const actor_info& y) { return x.type < y.type; }, read_text}},
      {"state",
       {[](const actor_info& x, const actor_info& y) {
          return std::string_view{to_string(x.current)} < to_string(y.current);
        },
        read_awaits}},
      {"spawned",
       {[](const actor_info& x, const actor_info& y) { return x.spawned < y.spawned; },
        read_counters}},
      {"mailbox",
       {[](const actor_info& x, const actor_info& y) { return x.mailbox_depth > y.mailbox_depth; },
        read_counters}},
      {"stashed",
       {[](const actor_info& x, const actor_info& y) { return x.stashed > y.stashed; },
        read_counters}},
      {"received",
       {[](const actor_info& x, const actor_info& y) { return x.received > y.received; },
        read_counters}},
      {"sent",
       {[](const actor_info& x, const actor_info& y) { return x.sent > y.sent; }, read_counters}},
      {"busy",
       {[](const actor_info& x, const actor_info& y) { return x.busy > y.busy; }, read_counters}},
      {"waiting",
       {[](const actor_info& x, const actor_info& y) { return waited_since(x) < waited_since(y); },
        read_awaits}},
      {"await",
       {[](const actor_info& x, const actor_info& y) { return first_await(x) < first_await(y); },
        read_awaits}},
  };
  return keys;
}

std::string sort_fields() {
  std::string out;
  for (auto& [name, fn] : sort_keys())
    out += (out.empty() ? "" : ", ") + std::string{name};
  return out;
}

// Decodes %XX and '+' of a query value; nothing when an escape is malformed.
std::optional<std::string> url_decode(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '+') {
      out += ' ';
    } else if (v[i] == '%') {
      unsigned byte = 0;
      if (i + 2 >= v.size())
        return std::nullopt;
      auto [p, ec] = std::from_chars(v.data() + i + 1, v.data() + i + 3, byte, 16);
      if (ec != std::errc{} || p != v.data() + i + 3)
        return std::nullopt;
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += v[i];
    }
  }
  return out;
}

bool contains_text(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         }) != hay.end();
}

// What `/api/v1/actors` was asked for.
struct actors_query {
  std::string sort = "id";
  sort_key key = sort_keys().at("id");
  bool reverse = false;
  std::string filter;
  std::size_t offset = 0;
  std::size_t limit = default_actors_limit;
};

std::optional<std::size_t> whole_number(std::string_view v) {
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || v.empty())
    return std::nullopt;
  return n;
}

// The query, or the 400 that names the parameter in error.
std::variant<actors_query, response> parse_actors_query(std::string_view query) {
  actors_query q;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty())
      continue;
    auto eq = pair.find('=');
    auto key = pair.substr(0, eq);
    auto value = url_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    std::string k{key};
    if (!value)
      return error_response(400, "the value of " + k + " has a malformed %-escape", k);
    if (key == "sort") {
      std::string_view field = *value;
      q.reverse = field.starts_with('-');
      if (q.reverse)
        field.remove_prefix(1);
      auto it = sort_keys().find(field);
      if (it == sort_keys().end())
        return error_response(400,
                              "sort must be one of " + sort_fields() +
                                  " (with - in front to reverse); got '" + *value + "'",
                              "sort");
      q.sort = *value;
      q.key = it->second;
    } else if (key == "filter") {
      q.filter = *value;
    } else if (key == "limit") {
      auto n = whole_number(*value);
      if (!n || *n == 0 || *n > max_actors_limit)
        return error_response(400,
                              "limit must be a whole number from 1 to " +
                                  std::to_string(max_actors_limit) + " (got '" + *value +
                                  "'); page with offset for more",
                              "limit");
      q.limit = *n;
    } else if (key == "offset") {
      auto n = whole_number(*value);
      if (!n)
        return error_response(400, "offset must be a whole number (got '" + *value + "')",
                              "offset");
      q.offset = *n;
    } else {
      return error_response(400, "unknown parameter '" + k + "'; use sort, filter, offset or limit",
                            k);
    }
  }
  return q;
}

// Whether `a` is one `filter` keeps: its id, name, type, state, or one of its awaits (kind,
// awaited types, kernel, awaited actor's id) contains the text.
bool kept(const actor_info& a, std::string_view filter) {
  if (filter.empty())
    return true;
  if (contains_text(std::to_string(a.id), filter) || contains_text(a.name, filter) ||
      contains_text(a.type, filter) || contains_text(to_string(a.current), filter))
    return true;
  return std::any_of(a.awaits.begin(), a.awaits.end(), [&](const await_info& w) {
    return contains_text(to_string(w.what), filter) || contains_text(w.types, filter) ||
           contains_text(w.kernel, filter) ||
           (w.peer != 0 && contains_text(std::to_string(w.peer), filter));
  });
}

std::string query_value(std::string_view v) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

} // namespace

response actors_response(source& src, std::string_view query) {
  auto parsed = parse_actors_query(query);
  if (auto* bad = std::get_if<response>(&parsed))
    return std::move(*bad);
  auto& q = std::get<actors_query>(parsed);
  // The filter reads an actor's id, name, type, state and awaits (`kept`).
  auto keys = src.actor_keys(q.key.fields | (q.filter.empty() ? 0U : read_text | read_awaits));
  std::vector<const actor_info*> picked;
  for (auto& a : keys.actors)
    if (kept(a, q.filter))
      picked.push_back(&a);
  auto matched = picked.size();
  // Ties go by id, so that pages of the same order neither repeat nor skip an actor.
  auto less = q.key.less;
  auto by = [&](const actor_info* x, const actor_info* y) {
    if (q.reverse ? less(*y, *x) : less(*x, *y))
      return true;
    if (q.reverse ? less(*x, *y) : less(*y, *x))
      return false;
    return x->id < y->id;
  };
  auto begin = std::min(q.offset, matched);
  auto end = begin + std::min(q.limit, matched - begin);
  auto first = picked.begin() + static_cast<std::ptrdiff_t>(begin);
  if (begin > 0 && begin < matched)
    std::nth_element(picked.begin(), first, picked.end(), by);
  std::partial_sort(first, picked.begin() + static_cast<std::ptrdiff_t>(end), picked.end(), by);
  std::vector<std::uint64_t> ids;
  for (auto i = begin; i < end; ++i)
    ids.push_back(picked[i]->id);
  std::sort(ids.begin(), ids.end());
  auto full = src.actors_by_id(ids);
  json::array actors;
  // In the order chosen; an actor that ended since is left out.
  for (auto i = begin; i < end; ++i) {
    auto it = std::lower_bound(full.begin(), full.end(), picked[i]->id,
                               [](const actor_info& a, std::uint64_t id) { return a.id < id; });
    if (it != full.end() && it->id == picked[i]->id)
      actors.push_back(actor_json(*it, keys.taken));
  }
  json::object out{{"taken", timestamp(keys.taken)},
                   {"total", keys.actors.size()},
                   {"matched", matched},
                   {"offset", begin},
                   {"limit", q.limit},
                   {"actors", std::move(actors)}};
  if (end < matched)
    out["next"] = "/api/v1/actors?sort=" + query_value(q.sort) +
                  (q.filter.empty() ? "" : "&filter=" + query_value(q.filter)) +
                  "&offset=" + std::to_string(end) + "&limit=" + std::to_string(q.limit);
  return json_response(out);
}

std::vector<actor_info> source::actors_by_id(const std::vector<std::uint64_t>& ids) {
  auto all = actors();
  std::vector<actor_info> out;
  for (auto& a : all.actors)
    if (std::binary_search(ids.begin(), ids.end(), a.id))
      out.push_back(std::move(a));
  std::sort(out.begin(), out.end(),
            [](const actor_info& x, const actor_info& y) { return x.id < y.id; });
  return out;
}

} // namespace troupe::detail::monitor
