/// @file
/// Helpers shared by troupe's benchmarks: options, clocks, medians, memory and CPU readings,
/// and the one-JSON-object-per-line output of ../shared/BENCH.md.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

namespace bench {

/// `--key value` and `--key=value` options of a benchmark program; unknown keys are an error
/// so that a typo in bench/run-all fails loudly instead of measuring the default.
class options {
public:
  options(int argc, char** argv, const std::vector<std::string_view>& known) {
    for (int i = 1; i < argc; ++i) {
      std::string_view a = argv[i];
      if (a == "--help" || a == "-h") {
        std::printf("usage: %s", argv[0]);
        for (auto k : known)
          std::printf(" [--%.*s V]", static_cast<int>(k.size()), k.data());
        std::printf("\n");
        std::exit(0);
      }
      if (a.substr(0, 2) != "--")
        fail(argv[0], "unexpected argument '" + std::string{a} + "'");
      auto eq = a.find('=');
      std::string key{a.substr(2, eq == std::string_view::npos ? a.npos : eq - 2)};
      if (std::find(known.begin(), known.end(), key) == known.end())
        fail(argv[0], "unknown option --" + key);
      if (eq != std::string_view::npos)
        values_[key] = std::string{a.substr(eq + 1)};
      else if (i + 1 < argc)
        values_[key] = argv[++i];
      else
        fail(argv[0], "--" + key + " needs a value");
    }
  }

  [[nodiscard]] bool has(const std::string& key) const {
    return values_.count(key) != 0;
  }

  [[nodiscard]] std::string get(const std::string& key, std::string fallback) const {
    auto i = values_.find(key);
    return i == values_.end() ? std::move(fallback) : i->second;
  }

  [[nodiscard]] long long get(const std::string& key, long long fallback) const {
    auto i = values_.find(key);
    return i == values_.end() ? fallback : std::stoll(i->second);
  }

  [[nodiscard]] double get(const std::string& key, double fallback) const {
    auto i = values_.find(key);
    return i == values_.end() ? fallback : std::stod(i->second);
  }

private:
  [[noreturn]] static void fail(const char* prog, const std::string& what) {
    std::fprintf(stderr, "%s: %s (see --help)\n", prog, what.c_str());
    std::exit(2);
  }

  std::map<std::string, std::string> values_;
};

/// The implementations named by `--impls a,b,c`, else by `all`.
inline std::set<std::string> impl_list(const options& opt, const std::string& all) {
  std::set<std::string> out;
  std::istringstream in{opt.get("impls", all)};
  for (std::string name; std::getline(in, name, ',');)
    if (!name.empty())
      out.insert(name);
  return out;
}

/// One worker per core, the default of troupe and of every local peer (BENCH.md).
inline unsigned cores() {
  return std::max(1u, std::thread::hardware_concurrency());
}

using clock = std::chrono::steady_clock;

inline double seconds_since(clock::time_point t0) {
  return std::chrono::duration<double>(clock::now() - t0).count();
}

inline double median(std::vector<double> xs) {
  if (xs.empty())
    return 0;
  std::sort(xs.begin(), xs.end());
  auto n = xs.size();
  return n % 2 == 1 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
}

/// Resident set size of this process in bytes.
inline std::int64_t rss_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  std::int64_t pages = 0;
  std::int64_t resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

/// CPU time (user + system) this process used so far, in seconds.
inline double cpu_seconds() {
  std::ifstream stat{"/proc/self/stat"};
  std::string line;
  std::getline(stat, line);
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  auto rest = line.substr(line.rfind(')') + 2);
  std::istringstream in{rest};
  std::string field;
  std::int64_t utime = 0;
  std::int64_t stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14)
      utime = std::stoll(field);
    if (i == 15)
      stime = std::stoll(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// Extra keys of a result line, already JSON-encoded values.
using extras = std::vector<std::pair<std::string, std::string>>;

inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

inline std::string number(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

/// Prints one result as a JSON line: median of `samples`, with their count, min and max.
inline void report(std::string_view bench_name, std::string_view impl, std::string_view metric,
                   const std::vector<double>& samples, unsigned threads, const extras& more = {}) {
  auto [lo, hi] = std::minmax_element(samples.begin(), samples.end());
  std::string line =
      "{\"bench\":" + json_string(bench_name) + ",\"impl\":" + json_string(impl) +
      ",\"metric\":" + json_string(metric) + ",\"value\":" + number(median(samples)) +
      ",\"reps\":" + std::to_string(samples.size()) + ",\"threads\":" + std::to_string(threads);
  if (!samples.empty())
    line += ",\"min\":" + number(*lo) + ",\"max\":" + number(*hi);
  for (auto& [k, v] : more) {
    line += ',';
    line += json_string(k);
    line += ':';
    line += v;
  }
  line += "}\n";
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
}

/// Prints the median of the per-rep ratios `a[k] / b[k]` of two impls alternated in one run, as
/// impl "A/B" with metric `paired_ratio`: steadier than the ratio of medians on a noisy box.
inline void report_paired(std::string_view bench_name, const std::string& a_name,
                          const std::string& b_name, const std::vector<double>& a,
                          const std::vector<double>& b, unsigned threads) {
  std::vector<double> ratios;
  for (std::size_t k = 0; k < a.size() && k < b.size(); ++k)
    ratios.push_back(a[k] / b[k]);
  report(bench_name, a_name + "/" + b_name, "paired_ratio", ratios, threads);
}

/// Keeps the optimiser from dropping a computed value.
template <class T>
inline void keep(const T& x) {
  asm volatile("" : : "g"(&x) : "memory");
}

} // namespace bench
