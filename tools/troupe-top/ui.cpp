#include "ui.hpp"

#include <algorithm>
#include <clocale>

#include <curses.h>

#include "json_read.hpp"
#include "poller.hpp"
#include "table.hpp"
#include "views.hpp"

namespace troupe_top {

namespace {

enum class mode { table, detail, graph };

constexpr int key_escape = 27;

// What the user chose; the rows themselves come fresh from the poller on every frame.
struct screen_state {
  mode shown = mode::table;
  column sorted = column::node;
  bool reverse = false;
  std::string filter;
  bool typing_filter = false;
  int selected = 0;
  int top = 0; // first row on screen
  // The selected actor, so that the selection stays on it when rows move.
  std::string selected_node;
  std::uint64_t selected_id = 0;
  // After Home, a new order or a new filter the selection stays on the first row, whatever
  // comes there, until the next move.
  bool at_top = false;
  std::string detail_node;
};

// RAII for initscr/endwin: the terminal is given back however run_ui ends.
struct curses_session {
  curses_session() {
    std::setlocale(LC_ALL, "");
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    timeout(100);
  }
  curses_session(const curses_session&) = delete;
  curses_session& operator=(const curses_session&) = delete;
  ~curses_session() {
    endwin();
  }
};

void put_line(int y, const std::string& text, int attr = A_NORMAL) {
  if (y >= LINES)
    return;
  attron(attr);
  mvaddnstr(y, 0, text.c_str(), COLS);
  if (attr & A_REVERSE) // a bar across the whole width
    for (int x = static_cast<int>(std::min<std::size_t>(text.size(), COLS)); x < COLS; ++x)
      mvaddch(y, x, ' ');
  attroff(attr);
}

// The largest page a node serves (its max_actors_limit).
constexpr int most_rows = 10'000;

// What to ask each member for: the table's order and filter, and the rows up to one screen
// past what is shown or selected, so that paging down finds rows already there.
actor_query query_of(const screen_state& s) {
  int room = std::max(1, LINES - 6);
  int need = std::max(s.top + room, s.selected + 1) + room;
  return {server_sort(s.sorted, s.reverse), s.filter,
          static_cast<std::size_t>(std::clamp(need, 1, most_rows))};
}

std::string keys_line(const screen_state& s, std::size_t shown, double matched) {
  if (s.typing_filter)
    return "filter: " + s.filter + "_   (Enter applies, Esc clears)";
  std::string line = s.shown == mode::table
                         ? "q quit  arrows/PgUp/PgDn move  < > sort  r reverse  / filter  "
                           "Enter detail  g await graph  p pause/resume"
                         : "Esc back  q quit  g await graph  p pause/resume";
  if (!s.filter.empty())
    line += "   [filter: " + s.filter + "]";
  if (s.shown == mode::table && matched > static_cast<double>(shown))
    line +=
        "   [" + std::to_string(shown) + " of " + fixed(matched, 0) + " actors; scroll for more]";
  return line;
}

void draw_lines(int y, const std::vector<std::string>& lines, int attr_cycle) {
  for (auto& l : lines) {
    if (y >= LINES - 1)
      break;
    put_line(y++, l, l.find("CYCLE") != std::string::npos ? attr_cycle : A_NORMAL);
  }
}

void draw_table(int y, screen_state& s, const std::vector<row>& rows) {
  put_line(y++, heading_line(s.sorted, s.reverse), A_REVERSE);
  int room = std::max(1, LINES - 1 - y);
  s.selected = std::clamp(s.selected, 0, std::max(0, static_cast<int>(rows.size()) - 1));
  if (s.selected < s.top)
    s.top = s.selected;
  if (s.selected >= s.top + room)
    s.top = s.selected - room + 1;
  s.top = std::clamp(s.top, 0, std::max(0, static_cast<int>(rows.size()) - room));
  for (int i = s.top; i < static_cast<int>(rows.size()) && y < LINES - 1; ++i)
    put_line(y++, row_line(rows[static_cast<std::size_t>(i)]),
             i == s.selected ? A_STANDOUT : A_NORMAL);
  if (rows.empty())
    put_line(y, s.filter.empty() ? "(no actors)" : "(no actor matches '" + s.filter + "')");
}

// Handles one key; false when it is time to quit.
bool on_key(int key, screen_state& s, poller& p, const std::vector<row>& rows,
            const poller::state& st) {
  if (s.typing_filter) {
    if (key == '\n' || key == KEY_ENTER) {
      s.typing_filter = false;
      s.selected = 0;
      s.at_top = true;
    } else if (key == key_escape) {
      s.typing_filter = false;
      s.filter.clear();
    } else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
      if (!s.filter.empty())
        s.filter.pop_back();
    } else if (key >= 32 && key < 127) {
      s.filter += static_cast<char>(key);
    }
    return true;
  }
  int page = std::max(1, LINES / 2);
  if (key == KEY_UP || key == KEY_DOWN || key == KEY_PPAGE || key == KEY_NPAGE || key == KEY_END)
    s.at_top = false;
  switch (key) {
    case 'q':
    case 'Q':
      return false;
    case key_escape:
    case KEY_LEFT:
    case KEY_BACKSPACE:
      if (s.shown != mode::table) {
        s.shown = mode::table;
        p.show_detail(std::nullopt);
        p.want_awaits(false);
      } else if (key == key_escape) {
        s.filter.clear();
      }
      break;
    case KEY_UP:
      --s.selected;
      break;
    case KEY_DOWN:
      ++s.selected;
      break;
    case KEY_PPAGE:
      s.selected -= page;
      break;
    case KEY_NPAGE:
      s.selected += page;
      break;
    case KEY_HOME:
      s.selected = 0;
      s.at_top = true;
      break;
    case KEY_END:
      s.selected = static_cast<int>(rows.size()) - 1;
      break;
    case '<':
    case ',':
      s.sorted =
          static_cast<column>((static_cast<int>(s.sorted) + column_count - 1) % column_count);
      s.at_top = true;
      break;
    case '>':
    case '.':
      s.sorted = static_cast<column>((static_cast<int>(s.sorted) + 1) % column_count);
      s.at_top = true;
      break;
    case 'r':
      s.reverse = !s.reverse;
      s.at_top = true;
      break;
    case '/':
      s.shown = mode::table;
      s.typing_filter = true;
      s.filter.clear();
      break;
    case '\n':
    case KEY_ENTER:
      if (s.shown == mode::table && !rows.empty() && st.now) {
        auto& r = rows[static_cast<std::size_t>(s.selected)];
        s.shown = mode::detail;
        s.detail_node = r.node;
        p.show_detail(std::pair{st.now->members[r.member], r.id});
      }
      break;
    case 'g':
      s.shown = mode::graph;
      p.show_detail(std::nullopt);
      p.want_awaits(true);
      break;
    case 'p':
      if (st.now && st.now->sim.value) {
        auto& sim = *st.now->sim.value;
        auto it = sim.find("paused");
        bool paused = (it != sim.end() && it->value().is_bool() && it->value().as_bool()) ||
                      (sim.contains("state") && sim.at("state") == "paused");
        p.request_pause(!paused);
      } else if (st.now) {
        p.request_pause(true); // the node's answer says why not (404, 403, 401)
      }
      break;
    default:
      break;
  }
  return true;
}

} // namespace

int run_ui(gatherer& g, const top_options& opts) {
  poller p{g, opts.interval};
  curses_session session;
  if (has_colors()) {
    start_color();
    use_default_colors();
    init_pair(1, COLOR_RED, -1);
  }
  int attr_cycle = has_colors() ? (COLOR_PAIR(1) | A_BOLD) : A_BOLD;
  screen_state s;
  for (;;) {
    auto st = p.latest();
    std::vector<row> rows;
    if (st.now) {
      rows = actor_rows(*st.now, st.before.get());
      filter_rows(rows, s.filter);
      sort_rows(rows, s.sorted, s.reverse);
      // Keep the selection on the same actor when rows move.
      auto it = std::find_if(rows.begin(), rows.end(), [&](const row& r) {
        return r.node == s.selected_node && r.id == s.selected_id;
      });
      if (s.at_top)
        s.selected = 0;
      else if (it != rows.end() && !s.selected_node.empty())
        s.selected = static_cast<int>(it - rows.begin());
    }
    erase();
    int y = 0;
    if (!st.now) {
      put_line(y, "troupe-top " + opts.seed.text() + ": asking the cluster...");
    } else {
      for (auto& l : header_lines(*st.now, opts.seed.text()))
        put_line(y++, l,
                 l.starts_with("node ") && l.find("  down") != std::string::npos ? attr_cycle
                                                                                 : A_NORMAL);
      if (!st.message.empty())
        put_line(y++, st.message, A_BOLD);
      ++y;
      if (s.shown == mode::table) {
        draw_table(y, s, rows);
      } else if (s.shown == mode::detail) {
        if (!st.detail)
          put_line(y, "asking " + s.detail_node + " for the actor...");
        else if (st.detail->value)
          draw_lines(y, detail_lines(*st.detail->value, s.detail_node), attr_cycle);
        else
          put_line(y, st.detail->absent);
      } else if (!st.now->awaits.value) {
        put_line(y, st.now->awaits.absent.empty() ? "asking for the await graph..."
                                                  : st.now->awaits.absent);
      } else {
        draw_lines(y, graph_lines(*st.now->awaits.value), attr_cycle);
      }
    }
    put_line(LINES - 1, keys_line(s, rows.size(), st.now ? matched_actors(*st.now) : 0), A_REVERSE);
    p.set_query(query_of(s));
    refresh();
    int key = getch();
    if (key == ERR)
      continue;
    if (!on_key(key, s, p, rows, st))
      return 0;
    if (s.shown == mode::table && !rows.empty()) {
      s.selected = std::clamp(s.selected, 0, static_cast<int>(rows.size()) - 1);
      s.selected_node = rows[static_cast<std::size_t>(s.selected)].node;
      s.selected_id = rows[static_cast<std::size_t>(s.selected)].id;
    }
  }
}

} // namespace troupe_top
