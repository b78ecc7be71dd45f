// node_config::parse_args and parse_endpoint, in process: every way to give an option, and
// every way to get one wrong.
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include <unistd.h>

#include <troupe/node_config.hpp>

#include <catch2/catch.hpp>

namespace {

// Runs parse_args on "prog args...".
troupe::result<void> parse(troupe::node_config& cfg, std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"prog"};
  argv.insert(argv.end(), args.begin(), args.end());
  return cfg.parse_args(static_cast<int>(argv.size()), argv.data());
}

// The error message of a parse that must fail with errc::bad_option.
std::string bad_option(std::initializer_list<const char*> args) {
  troupe::node_config cfg{"prog"};
  std::string name;
  std::int64_t count = 0;
  cfg.option(name, "name", "a name").option(count, "count", "a count");
  auto r = parse(cfg, args);
  REQUIRE_FALSE(r);
  CHECK(r.error() == troupe::errc::bad_option);
  auto text = r.error().message();
  CHECK(text.find('\n') == std::string::npos); // one line
  return text;
}

std::size_t max_threads(const troupe::node_config& cfg) {
  return caf::get_or(cfg.content, "scheduler.max-threads", std::size_t{0});
}

// A file in the temporary directory, removed at the end of the test.
class temp_file {
public:
  explicit temp_file(const std::string& text) {
    char name[] = "/tmp/troupe-options-XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    path_ = name;
    std::ofstream{path_} << text;
  }

  ~temp_file() {
    std::remove(path_.c_str());
  }

  const char* path() const {
    return path_.c_str();
  }

private:
  std::string path_;
};

} // namespace

TEST_CASE("parse_endpoint accepts HOST:PORT with ports 0 to 65535", "[runtime][options]") {
  auto a = troupe::parse_endpoint("127.0.0.1:0", "--listen");
  REQUIRE(a);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 0);
  auto b = troupe::parse_endpoint("example.org:65535", "--join");
  REQUIRE(b);
  CHECK(b->host == "example.org");
  CHECK(b->port == 65535);
  CHECK(b->to_string() == "example.org:65535");
  auto c = troupe::parse_endpoint("[::1]:4242", "--listen");
  REQUIRE(c);
  CHECK(c->host == "::1");
  CHECK(c->port == 4242);
}

TEST_CASE("parse_endpoint rejects a malformed HOST:PORT, naming the flag and the input",
          "[runtime][options]") {
  for (auto text :
       {"nohost", ":80", "host:", "host:99999", "host:-1", "host:8o", "host:65536", ""}) {
    CAPTURE(text);
    auto ep = troupe::parse_endpoint(text, "--listen");
    REQUIRE_FALSE(ep);
    CHECK(ep.error() == troupe::errc::bad_option);
    CHECK_THAT(ep.error().message(), Catch::StartsWith("--listen must be HOST:PORT"));
    CHECK_THAT(ep.error().message(), Catch::Contains("'" + std::string{text} + "'"));
  }
}

TEST_CASE("parse_args takes troupe's options as --key value and --key=value",
          "[runtime][options]") {
  troupe::node_config spaced{"prog"};
  REQUIRE(parse(spaced, {"--threads", "3", "--listen", "127.0.0.1:0", "--join", "h:7",
                         "--join-timeout", "2.5", "--introspection", "false", "--latency-mode",
                         "true", "--pin-workers", "true", "--shutdown-timeout", "0.5"}));
  troupe::node_config joined{"prog"};
  REQUIRE(parse(joined, {"--threads=3", "--listen=127.0.0.1:0", "--join=h:7", "--join-timeout=2.5",
                         "--introspection=false", "--latency-mode=true", "--pin-workers=true",
                         "--shutdown-timeout=0.5"}));
  for (auto* cfg : {&spaced, &joined}) {
    CHECK(cfg->threads == 3);
    CHECK(max_threads(*cfg) == 3);
    REQUIRE(cfg->listen);
    CHECK(*cfg->listen == troupe::endpoint{"127.0.0.1", 0});
    REQUIRE(cfg->join);
    CHECK(*cfg->join == troupe::endpoint{"h", 7});
    CHECK(cfg->join_timeout_s == 2.5);
    CHECK_FALSE(cfg->introspection);
    CHECK(cfg->latency_mode);
    CHECK(cfg->pin_workers == true);
    CHECK(cfg->shutdown_timeout_s == 0.5);
  }
  troupe::node_config automatic{"prog"};
  REQUIRE(parse(automatic, {"--pin-workers", "auto"}));
  CHECK_FALSE(automatic.pin_workers.has_value());
}

TEST_CASE("parse_args leaves defaults when no option is given", "[runtime][options]") {
  troupe::node_config cfg{"prog"};
  REQUIRE(parse(cfg, {}));
  CHECK(cfg.threads >= 1);
  CHECK(max_threads(cfg) == cfg.threads);
  CHECK_FALSE(cfg.listen);
  CHECK_FALSE(cfg.join);
  CHECK(cfg.join_timeout_s == 10.0);
  CHECK(cfg.introspection);
  CHECK_FALSE(cfg.latency_mode);
  CHECK(cfg.pin_workers == false);
  CHECK(cfg.shutdown_timeout_s == 5.0);
}

TEST_CASE("parse_args stores program options given either way", "[runtime][options]") {
  for (bool spaced : {true, false}) {
    CAPTURE(spaced);
    troupe::node_config cfg{"prog"};
    std::int64_t rounds = 1;
    double ratio = 0;
    std::string who = "nobody";
    cfg.option(rounds, "rounds", "r").option(ratio, "ratio", "q").option(who, "who", "w");
    auto r = spaced ? parse(cfg, {"--rounds", "42", "--ratio", "0.25", "--who", "world"})
                    : parse(cfg, {"--rounds=42", "--ratio=0.25", "--who=world"});
    REQUIRE(r);
    CHECK(rounds == 42);
    CHECK(ratio == 0.25);
    CHECK(who == "world");
  }
}

TEST_CASE("parse_args takes boolean program options bare, as =BOOL and as BOOL",
          "[runtime][options]") {
  struct row {
    std::vector<const char*> args;
    bool initial;
    bool expected;
  };
  for (auto& [args, initial, expected] : std::vector<row>{{{"--verbose"}, false, true},
                                                          {{"--verbose=true"}, false, true},
                                                          {{"--verbose=false"}, true, false},
                                                          {{"--verbose", "false"}, true, false},
                                                          {{"--verbose", "yes"}, false, true},
                                                          {{"--verbose=0"}, true, false},
                                                          {{}, true, true}}) {
    CAPTURE(std::vector<std::string>(args.begin(), args.end()), initial);
    troupe::node_config cfg{"prog"};
    bool verbose = initial;
    std::int64_t n = 0;
    cfg.option(verbose, "verbose", "v").option(n, "n", "n");
    std::vector<const char*> argv{"prog"};
    argv.insert(argv.end(), args.begin(), args.end());
    REQUIRE(cfg.parse_args(static_cast<int>(argv.size()), argv.data()));
    CHECK(verbose == expected);
  }
  // A bare flag followed by another option leaves that option alone.
  troupe::node_config cfg{"prog"};
  bool verbose = false;
  std::int64_t n = 0;
  cfg.option(verbose, "verbose", "v").option(n, "n", "n");
  REQUIRE(parse(cfg, {"--verbose", "--n", "5"}));
  CHECK(verbose);
  CHECK(n == 5);
}

TEST_CASE("parse_args rejects a boolean program option with a non-boolean value",
          "[runtime][options]") {
  troupe::node_config cfg{"prog"};
  bool verbose = false;
  cfg.option(verbose, "verbose", "v");
  auto r = parse(cfg, {"--verbose=maybe"});
  REQUIRE_FALSE(r);
  CHECK(r.error() == troupe::errc::bad_option);
  CHECK_THAT(r.error().message(), Catch::Contains("--verbose") && Catch::Contains("maybe"));
}

TEST_CASE("parse_args passes CAF's keys through to the actor system config", "[runtime][options]") {
  troupe::node_config cfg{"prog"};
  REQUIRE(parse(cfg, {"--middleman.heartbeat-interval=500ms", "--middleman.connection-timeout",
                      "2s", "--scheduler.max-threads=3"}));
  CHECK(caf::get_or(cfg.content, "middleman.heartbeat-interval", caf::timespan{0}) ==
        std::chrono::milliseconds{500});
  CHECK(caf::get_or(cfg.content, "middleman.connection-timeout", caf::timespan{0}) ==
        std::chrono::seconds{2});
  // scheduler.max-threads is --threads by another name.
  CHECK(cfg.threads == 3);
  CHECK(max_threads(cfg) == 3);
}

TEST_CASE("parse_args lets --threads win over scheduler.max-threads", "[runtime][options]") {
  troupe::node_config cfg{"prog"};
  REQUIRE(parse(cfg, {"--scheduler.max-threads=3", "--threads", "1"}));
  CHECK(cfg.threads == 1);
  CHECK(max_threads(cfg) == 1);
}

TEST_CASE("parse_args reads program options and CAF keys from a --config file",
          "[runtime][options]") {
  temp_file ini{"[global]\nrounds=7\nwho=\"file\"\n"
                "[scheduler]\nmax-threads=3\n"
                "[middleman]\nheartbeat-interval=250ms\n"};
  troupe::node_config cfg{"prog"};
  std::int64_t rounds = 1;
  std::string who = "nobody";
  cfg.option(rounds, "rounds", "r").option(who, "who", "w");
  REQUIRE(parse(cfg, {"--config", ini.path()}));
  CHECK(cfg.config_file == ini.path());
  CHECK(rounds == 7);
  CHECK(who == "file");
  CHECK(cfg.threads == 3);
  CHECK(caf::get_or(cfg.content, "middleman.heartbeat-interval", caf::timespan{0}) ==
        std::chrono::milliseconds{250});
}

TEST_CASE("parse_args lets the command line win over the --config file", "[runtime][options]") {
  temp_file ini{"[global]\nrounds=7\n"};
  troupe::node_config cfg{"prog"};
  std::int64_t rounds = 1;
  cfg.option(rounds, "rounds", "r");
  REQUIRE(parse(cfg, {"--rounds=9", "--config", ini.path()}));
  CHECK(rounds == 9);
}

TEST_CASE("parse_args names a --config file that cannot be read", "[runtime][options]") {
  auto text = bad_option({"--config", "/nonexistent/troupe.ini"});
  CHECK_THAT(text, Catch::Contains("--config") && Catch::Contains("/nonexistent/troupe.ini"));
}

TEST_CASE("parse_args rejects a --config value of the wrong type, naming file and key",
          "[runtime][options]") {
  // CAF's own reader would drop these values silently and run with the defaults.
  temp_file program_key{"[global]\ncount=\"many\"\n"};
  auto text = bad_option({"--config", program_key.path()});
  CHECK_THAT(text, Catch::Contains(program_key.path()) && Catch::Contains("count") &&
                       Catch::Contains("many"));
  temp_file caf_key{"[middleman]\nheartbeat-interval=true\n"};
  CHECK_THAT(bad_option({"--config", caf_key.path()}),
             Catch::Contains(caf_key.path()) && Catch::Contains("middleman.heartbeat-interval"));
}

TEST_CASE("parse_args rejects an unknown program key in a --config file", "[runtime][options]") {
  temp_file ini{"[global]\ncont=5\n"};
  CHECK_THAT(bad_option({"--config", ini.path()}),
             Catch::Contains(ini.path()) && Catch::Contains("cont is not an option"));
}

TEST_CASE("parse_args names the line of a --config file with a syntax error",
          "[runtime][options]") {
  temp_file ini{"[global]\ncount=1\n[scheduler\n"};
  CHECK_THAT(bad_option({"--config", ini.path()}),
             Catch::Contains(ini.path()) && Catch::Contains(": line "));
}

TEST_CASE("parse_args rejects an unknown option, naming it", "[runtime][options]") {
  auto text = bad_option({"--bogus=1"});
  CHECK_THAT(text, Catch::Contains("unknown option") && Catch::Contains("--bogus"));
  CHECK_THAT(bad_option({"--bogus"}), Catch::Contains("--bogus"));
  CHECK_THAT(bad_option({"--bogus", "1"}), Catch::Contains("--bogus"));
  CHECK_THAT(bad_option({"--scheduler.bogus=1"}), Catch::Contains("--scheduler.bogus"));
}

TEST_CASE("parse_args rejects a positional argument", "[runtime][options]") {
  auto text = bad_option({"stray"});
  CHECK_THAT(text, Catch::Contains("'stray'"));
}

TEST_CASE("parse_args rejects --threads outside 1 to 4096", "[runtime][options]") {
  for (auto v : {"0", "-1", "abc", "4097", "2x", ""}) {
    CAPTURE(v);
    auto text = bad_option({"--threads", v});
    CHECK_THAT(text, Catch::StartsWith("--threads must be"));
    CHECK_THAT(text, Catch::Contains("'" + std::string{v} + "'"));
  }
  CHECK_THAT(bad_option({"--scheduler.max-threads=0"}), Catch::Contains("max-threads"));
}

TEST_CASE("parse_args rejects a bad HOST:PORT for --listen and --join", "[runtime][options]") {
  CHECK_THAT(bad_option({"--listen", "nohost"}),
             Catch::StartsWith("--listen must be HOST:PORT") && Catch::Contains("nohost"));
  CHECK_THAT(bad_option({"--listen=1.2.3.4:99999"}),
             Catch::StartsWith("--listen must be HOST:PORT") && Catch::Contains("99999"));
  CHECK_THAT(bad_option({"--join", ":4242"}), Catch::StartsWith("--join must be HOST:PORT"));
}

TEST_CASE("parse_args rejects a non-positive or non-numeric --join-timeout or --shutdown-timeout",
          "[runtime][options]") {
  for (auto flag : {"--join-timeout", "--shutdown-timeout"}) {
    for (auto v : {"0", "-2", "soon", "inf"}) {
      CAPTURE(flag, v);
      CHECK_THAT(bad_option({flag, v}),
                 Catch::StartsWith(std::string{flag} + " must be a positive number of seconds"));
    }
  }
}

TEST_CASE("parse_args rejects a bad --introspection, --latency-mode or --pin-workers",
          "[runtime][options]") {
  CHECK_THAT(bad_option({"--introspection", "sometimes"}),
             Catch::StartsWith("--introspection must be true or false"));
  CHECK_THAT(bad_option({"--latency-mode=2"}),
             Catch::StartsWith("--latency-mode must be true or false"));
  CHECK(bad_option({"--pin-workers", "maybe"}) ==
        "--pin-workers must be true, false or auto (got 'maybe')");
}

TEST_CASE("parse_args rejects an option missing its value, naming it", "[runtime][options]") {
  CHECK_THAT(bad_option({"--threads"}), Catch::StartsWith("--threads needs a value"));
  CHECK_THAT(bad_option({"--listen"}), Catch::StartsWith("--listen needs a value"));
  CHECK_THAT(bad_option({"--name"}), Catch::StartsWith("--name needs a value"));
}

TEST_CASE("parse_args rejects a program option value of the wrong type, naming the option",
          "[runtime][options]") {
  auto text = bad_option({"--count", "many"});
  CHECK_THAT(text, Catch::Contains("--count") && Catch::Contains("many"));
}

TEST_CASE("parse_args answers --help with the help text listing every option",
          "[runtime][options]") {
  for (auto flag : {"--help", "-h"}) {
    troupe::node_config cfg{"prog", "Does things."};
    std::int64_t rounds = 10000;
    cfg.option(rounds, "rounds", "round trips to play");
    auto r = parse(cfg, {"--threads", "2", flag, "--bogus"});
    REQUIRE_FALSE(r);
    CHECK(r.error() == troupe::errc::help_requested);
    auto& text = r.error().message();
    CHECK_THAT(text, Catch::StartsWith("usage: prog [options]\nDoes things.\n"));
    for (auto opt :
         {"--threads", "--listen", "--join", "--join-timeout", "--config", "--pin-workers",
          "--introspection", "--latency-mode", "--shutdown-timeout", "--help"})
      CHECK_THAT(text, Catch::Contains(std::string{"\n  "} + opt + " "));
    CHECK_THAT(text, Catch::Contains("--rounds INT64") && Catch::Contains("round trips to play") &&
                         Catch::Contains("(default: 10000)"));
    // CAF's own switches are troupe's business; they would only confuse here.
    CHECK_THAT(text, !Catch::Contains("--config-file") && !Catch::Contains("STDERR"));
  }
}

TEST_CASE("parse_args answers --long-help with CAF's options too", "[runtime][options]") {
  troupe::node_config cfg{"prog"};
  auto r = parse(cfg, {"--long-help"});
  REQUIRE_FALSE(r);
  CHECK(r.error() == troupe::errc::help_requested);
  CHECK_THAT(r.error().message(), Catch::Contains("--middleman.heartbeat-interval") &&
                                      Catch::Contains("--scheduler.max-threads"));
}
