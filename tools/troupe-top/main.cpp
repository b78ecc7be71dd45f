// troupe-top: `troupe-top HOST:PORT` shows a troupe cluster's actors live (see --help).
#include <csignal>
#include <iostream>
#include <thread>

#include <boost/json/serialize.hpp>

#include <unistd.h>

#include "gather.hpp"
#include "json_read.hpp"
#include "options.hpp"
#include "table.hpp"
#include "ui.hpp"
#include "views.hpp"

namespace {

// Two rounds one interval apart, so that the rates of the table are measured, then the table.
int print_once(troupe_top::gatherer& g, const troupe_top::top_options& opts) {
  using namespace troupe_top;
  auto before = g.gather(false);
  std::this_thread::sleep_for(opts.interval);
  auto now = g.gather(false);
  for (auto& line : header_lines(now, opts.seed.text()))
    std::cout << line << '\n';
  auto rows = actor_rows(now, &before);
  sort_rows(rows, column::node, false);
  std::cout << '\n' << heading_line(column::node, false) << '\n';
  for (auto& r : rows)
    std::cout << row_line(r) << '\n';
  if (auto matched = matched_actors(now); matched > static_cast<double>(rows.size()))
    std::cout << "(" << rows.size() << " of " << fixed(matched, 0)
              << " actors: each node's first page; the curses view scrolls through all)\n";
  std::cout << std::flush;
  return std::cout ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  auto parsed = troupe_top::parse_command_line(argc, argv);
  if (!parsed.run()) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.text << std::flush;
    return parsed.exit_code;
  }
  auto& opts = parsed.options;
  std::signal(SIGPIPE, SIG_IGN);
  if (!opts.once && !opts.json && !::isatty(STDOUT_FILENO)) {
    std::cerr << "troupe-top: stdout is not a terminal; use --once for a table or --json\n";
    return 2;
  }
  troupe_top::gatherer g{opts.seed, opts.token, opts.timeout};
  if (auto problem = g.check_seed()) {
    std::cerr << "troupe-top: " << *problem << '\n';
    return 1;
  }
  if (opts.json) {
    std::cout << boost::json::serialize(troupe_top::to_json(g.gather(false))) << std::endl;
    return std::cout ? 0 : 1;
  }
  if (opts.once)
    return print_once(g, opts);
  return troupe_top::run_ui(g, opts);
}
