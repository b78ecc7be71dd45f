// Slurm's hostlist syntax (SLURM_STEP_NODELIST): what expands to what, and every way to get it
// wrong.
#include <string>
#include <vector>

#include "internal/hostlist.hpp"

#include <catch2/catch.hpp>

using troupe::detail::hostlist;

namespace {

std::vector<std::string> expand(const std::string& text) {
  auto h = hostlist::parse(text);
  INFO("hostlist '" << text << "': " << (h ? "" : h.error().message()));
  REQUIRE(h);
  return h->expand();
}

std::string error_of(const std::string& text) {
  auto h = hostlist::parse(text);
  INFO("hostlist '" << text << "' parsed, expanding to " << (h ? h->expand().size() : 0)
                    << " hosts");
  REQUIRE_FALSE(h);
  CHECK(h.error() == troupe::errc::bad_option);
  return h.error().message();
}

using strings = std::vector<std::string>;

} // namespace

TEST_CASE("a hostlist of plain names is those names in order", "[runtime][hostlist]") {
  CHECK(expand("localhost") == strings{"localhost"});
  CHECK(expand("a,b,c") == strings{"a", "b", "c"});
  CHECK(expand("127.0.0.1") == strings{"127.0.0.1"});
  CHECK(expand("node07-ib,login_2") == strings{"node07-ib", "login_2"});
}

TEST_CASE("a hostlist bracket expands ranges and single numbers, keeping zero padding",
          "[runtime][hostlist]") {
  CHECK(expand("node[01-04,07]") == strings{"node01", "node02", "node03", "node04", "node07"});
  CHECK(expand("n[8-10]") == strings{"n8", "n9", "n10"});
  CHECK(expand("n[08-10]") == strings{"n08", "n09", "n10"});
  CHECK(expand("n[007]") == strings{"n007"});
  CHECK(expand("n[3-3]") == strings{"n3"});
  CHECK(expand("[1-2]") == strings{"1", "2"});
}

TEST_CASE("a hostlist bracket keeps the text after it, like -ib suffixes", "[runtime][hostlist]") {
  CHECK(expand("node[1-2]-ib") == strings{"node1-ib", "node2-ib"});
  CHECK(expand("node[1-2]-ib,login") == strings{"node1-ib", "node2-ib", "login"});
}

TEST_CASE("a hostlist with several brackets expands the leftmost slowest", "[runtime][hostlist]") {
  CHECK(expand("rack[1-2]-n[01-02]") ==
        strings{"rack1-n01", "rack1-n02", "rack2-n01", "rack2-n02"});
  CHECK(expand("r[1,3]n[7]x,solo") == strings{"r1n7x", "r3n7x", "solo"});
}

TEST_CASE("a hostlist's first host is the first of its expansion", "[runtime][hostlist]") {
  for (std::string text : {"node[01-04,07]", "a,b,c", "rack[1-2]-n[01-02]", "n[08-10]-ib,x",
                           "127.0.0.1", "localhost,nodeb"}) {
    CAPTURE(text);
    auto h = hostlist::parse(text);
    REQUIRE(h);
    CHECK(h->first() == h->expand().front());
  }
  CHECK(hostlist::parse("node[01-04,07]")->first() == "node01");
  CHECK(hostlist::parse("rack[2-3]-n[09-10]-ib")->first() == "rack2-n09-ib");
}

TEST_CASE("a hostlist counts its hosts without expanding them", "[runtime][hostlist]") {
  CHECK(hostlist::parse("node[01-04,07],login")->size() == 6);
  CHECK(hostlist::parse("r[1-1000]n[1-1000]")->size() == 1000000);
  CHECK(hostlist::parse("r[1-1000]n[1-1000]")->expand(3) == strings{"r1n1", "r1n2", "r1n3"});
  CHECK(hostlist::parse("a,b[1-5]")->expand(2) == strings{"a", "b1"});
}

TEST_CASE("a hostlist that is empty or has an empty name is refused", "[runtime][hostlist]") {
  CHECK_THAT(error_of(""), Catch::Contains("empty"));
  CHECK_THAT(error_of("a,,b"), Catch::Contains("empty host name at offset 2"));
  CHECK_THAT(error_of(",a"), Catch::Contains("empty host name at offset 0"));
  CHECK_THAT(error_of("a,"), Catch::Contains("empty host name at offset 2"));
}

TEST_CASE("a hostlist with unbalanced brackets is refused, naming where", "[runtime][hostlist]") {
  CHECK_THAT(error_of("node[01-"), Catch::Contains("'[' at offset 4 is not closed"));
  CHECK_THAT(error_of("node[1-2"), Catch::Contains("'[' at offset 4 is not closed"));
  CHECK_THAT(error_of("node]1"), Catch::Contains("']' at offset 4 without its '['"));
  CHECK_THAT(error_of("node[1[2]]"), Catch::Contains("'[' at offset 6 inside brackets"));
}

TEST_CASE("a hostlist bracket that holds no number or a bad range is refused, naming it",
          "[runtime][hostlist]") {
  CHECK_THAT(error_of("[]"), Catch::Contains("brackets at offset 0 hold no number"));
  CHECK_THAT(error_of("node[]"), Catch::Contains("brackets at offset 4 hold no number"));
  CHECK_THAT(error_of("node[3-1]"), Catch::Contains("'3-1' at offset 5 goes down"));
  CHECK_THAT(error_of("node[a-b]"), Catch::Contains("'a-b' at offset 5 is not a number"));
  CHECK_THAT(error_of("node[1,,2]"), Catch::Contains("empty entry in the brackets at offset 7"));
  CHECK_THAT(error_of("node[1-]"), Catch::Contains("'1-' at offset 5 is not a number"));
  CHECK_THAT(error_of("node[-1]"), Catch::Contains("'-1' at offset 5 is not a number"));
  CHECK_THAT(error_of("node[1-2-3]"), Catch::Contains("'1-2-3'"));
  CHECK_THAT(error_of("node[+1]"), Catch::Contains("'+1'"));
  CHECK_THAT(error_of("node[1234567890]"), Catch::Contains("at most 9 digits"));
}

TEST_CASE("a hostlist with a character no host name has is refused, naming it",
          "[runtime][hostlist]") {
  CHECK_THAT(error_of("node 1"), Catch::Contains("' ' at offset 4 cannot be part of a host name"));
  CHECK_THAT(error_of("a;b"), Catch::Contains("';' at offset 1"));
}
