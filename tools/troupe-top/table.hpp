// The actor table as pure functions of gathered views: rows, their order, the filter, and the
// text of each line. No terminal here, so the tests check it directly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gather.hpp"

namespace troupe_top {

/// The table's columns, left to right.
enum class column { id, name, type, node, state, awaiting, since, mailbox, msgs, busy };

inline constexpr int column_count = 10;

/// The column's heading ("ID", "MSG/S"...).
std::string_view heading(column c);

/// The `/api/v1/actors` sort key that orders a member's actors as the table orders rows by `c`
/// (`-` in front when `reverse`): ids for the node column, and for the rate columns the totals
/// they are rates of.
std::string server_sort(column c, bool reverse);

/// How many actors matched the filter on the members that answered (each member's `matched`),
/// however many of them were sent.
double matched_actors(const cluster_view& v);

/// One actor of one member.
struct row {
  std::uint64_t id = 0;
  std::string name;
  std::string type;
  /// The member's address, which is what people know a node by.
  std::string node;
  /// Index of the member in the view, for the detail request.
  std::size_t member = 0;
  std::string state;
  /// The first await: "reply from 12", "receive (int, double)", "timer", "kernel stencil 3/8".
  std::string awaiting;
  /// How long it has waited (seconds), negative when it awaits nothing.
  double since = -1;
  double mailbox = 0;
  /// Messages received per second and busy share between the two views; negative when there is
  /// no earlier view of this actor to compare with.
  double msgs_per_s = -1;
  double busy = -1;
};

/// Every actor of every member that answered in `now`; `before` (the previous round, or null)
/// gives the rates.
std::vector<row> actor_rows(const cluster_view& now, const cluster_view* before);

/// Orders `rows` by `by`: text and ids ascending, numbers descending (the busiest, the longest
/// waiting first), ties by node and id; `reverse` turns it around.
void sort_rows(std::vector<row>& rows, column by, bool reverse);

/// Keeps the rows whose id, name, type, node, state or await contains `text` (any case).
void filter_rows(std::vector<row>& rows, std::string_view text);

/// The heading line, the sort column marked with `v` (or `^` when reversed).
std::string heading_line(column sorted, bool reverse);

/// One row's line, aligned with `heading_line`.
std::string row_line(const row& r);

/// "12.3 s", "4 m 05 s", "2 h 10 m": a duration for a narrow column.
std::string short_duration(double seconds);

} // namespace troupe_top
