#include "base/flags.h"

#include <gtest/gtest.h>

namespace jib::flags {
namespace {

using namespace std::chrono_literals;

struct Options {
  std::string dir;
  int port = 15010;
  bool leader = true;
  bool plaintext = false;
  std::chrono::milliseconds debounce{100};
  std::chrono::seconds ttl{24h};
  std::vector<std::string> sans = {"localhost"};
  std::string key_type = "ec";
  std::string custom;
};

class FlagsTest : public ::testing::Test {
 protected:
  FlagsTest() : set("usage: prog [flags]") {
    set.add({.name = "config-dir", .target = &o.dir, .help = "the directory", .value_name = "DIR"})
        .add({.name = "port", .target = &o.port, .help = "a port"})
        .add({.name = "leader", .target = &o.leader, .help = "lead"})
        .add({.name = "plaintext", .target = &o.plaintext, .help = "no TLS"})
        .add({.name = "debounce", .target = &o.debounce, .help = "quiet period", .bare_unit = 1ms})
        .add({.name = "debounce-ms", .target = &o.debounce, .help = "", .replaced_by = "debounce"})
        .section("More:")
        .add({.name = "ttl", .target = &o.ttl, .help = "lifetime"})
        .add({.name = "sans", .target = &o.sans, .help = "names"})
        .add({.name = "key-type",
              .target = &o.key_type,
              .help = "key",
              .short_name = 'k',
              .choices = {"ec", "rsa"}})
        .add({.name = "custom",
              .target = Setter([this](std::string_view v) -> std::string {
                if (v == "bad") return "not this";
                o.custom = v;
                return "";
              }),
              .help = "anything"});
  }
  ParseResult parse(std::vector<std::string> args) { return set.parse(args); }

  Options o;
  FlagSet set;
};

TEST_F(FlagsTest, BothSpellingsAndPositionals) {
  auto r = parse({"--config-dir", "/a", "file1", "--port=0", "--ttl", "1h30m", "-k", "rsa",
                  "--custom=x", "--", "--port", "9"});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(o.dir, "/a");
  EXPECT_EQ(o.port, 0);
  EXPECT_EQ(o.ttl, 90min);
  EXPECT_EQ(o.key_type, "rsa");
  EXPECT_EQ(o.custom, "x");
  EXPECT_EQ(r.positional, (std::vector<std::string>{"file1", "--port", "9"}));
  EXPECT_TRUE(r.warnings.empty());
}

TEST_F(FlagsTest, Bools) {
  ASSERT_TRUE(parse({"--plaintext", "--leader", "false", "x"}).ok());
  EXPECT_TRUE(o.plaintext);
  EXPECT_FALSE(o.leader);
  ASSERT_TRUE(parse({"--leader=true", "--plaintext=false"}).ok());
  EXPECT_TRUE(o.leader);
  EXPECT_FALSE(o.plaintext);
  auto r = parse({"--leader=maybe"});
  EXPECT_EQ(r.outcome, ParseResult::Outcome::kError);
}

TEST_F(FlagsTest, ListsReplaceTheDefaultThenAppend) {
  ASSERT_TRUE(parse({"--sans", "a,b", "--sans=c"}).ok());
  EXPECT_EQ(o.sans, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_TRUE(parse({"--sans="}).ok());
  EXPECT_TRUE(o.sans.empty());
}

TEST_F(FlagsTest, DurationsKeepTheOldUnitOfBareNumbers) {
  ASSERT_TRUE(parse({"--debounce", "250"}).ok());
  EXPECT_EQ(o.debounce, 250ms);
  ASSERT_TRUE(parse({"--debounce=2s"}).ok());
  EXPECT_EQ(o.debounce, 2s);
  auto r = parse({"--ttl", "30"});
  EXPECT_EQ(r.outcome, ParseResult::Outcome::kError);
  EXPECT_NE(r.error.find("missing unit"), std::string::npos) << r.error;
  r = parse({"--ttl", "1500ms"});
  EXPECT_EQ(r.outcome, ParseResult::Outcome::kError);
  EXPECT_NE(r.error.find("whole number of seconds"), std::string::npos) << r.error;
}

TEST_F(FlagsTest, DeprecatedMillisecondsFlagWarnsWithTheNewSpelling) {
  auto r = parse({"--debounce-ms", "1500"});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(o.debounce, 1500ms);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("--debounce-ms is deprecated"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("use --debounce 1500ms"), std::string::npos) << r.warnings[0];
  EXPECT_EQ(set.usage().find("debounce-ms"), std::string::npos);
}

TEST_F(FlagsTest, Errors) {
  auto error_of = [&](std::vector<std::string> args) {
    auto r = parse(std::move(args));
    EXPECT_EQ(r.outcome, ParseResult::Outcome::kError);
    return r.error;
  };
  EXPECT_EQ(error_of({"--bogus", "1"}), "unknown flag --bogus");
  EXPECT_EQ(error_of({"--bogus=1"}), "unknown flag --bogus");
  EXPECT_EQ(error_of({"-x"}), "unknown flag -x");
  EXPECT_EQ(error_of({"--port"}), "--port needs a value");
  EXPECT_NE(error_of({"--port", "65536"}).find("from 0 to 65535"), std::string::npos);
  EXPECT_EQ(error_of({"--port", "12ab"}), "--port needs a number from 0 to 65535, not \"12ab\"");
  EXPECT_EQ(error_of({"--debounce", "1y"}),
            "bad value for --debounce \"1y\": unknown unit \"y\" in duration: \"1y\"");
  EXPECT_NE(error_of({"--debounce", "-1s"}).find("negative"), std::string::npos);
  EXPECT_NE(error_of({"--debounce", "1y"}).find("unknown unit"), std::string::npos);
  EXPECT_NE(error_of({"--debounce", "9999999999h"}).find("out of range"), std::string::npos);
  EXPECT_NE(error_of({"--key-type", "dsa"}).find("one of ec, rsa"), std::string::npos);
  EXPECT_NE(error_of({"--custom", "bad"}).find("not this"), std::string::npos);
  EXPECT_NE(error_of({"--config-dir="}).find("empty value"), std::string::npos);
}

TEST_F(FlagsTest, HelpWinsAndUsageListsEveryFlagWithItsDefault) {
  EXPECT_EQ(parse({"--bogus", "--help"}).outcome, ParseResult::Outcome::kHelp);
  EXPECT_EQ(parse({"-h"}).outcome, ParseResult::Outcome::kHelp);
  EXPECT_EQ(parse({"--", "-h"}).outcome, ParseResult::Outcome::kOk);
  const std::string usage = set.usage();
  EXPECT_EQ(usage.rfind("usage: prog [flags]\n", 0), 0u) << usage;
  EXPECT_NE(usage.find("--config-dir DIR"), std::string::npos) << usage;
  EXPECT_NE(usage.find("--port N"), std::string::npos) << usage;
  EXPECT_NE(usage.find("a port (default 15010)"), std::string::npos) << usage;
  EXPECT_NE(usage.find("quiet period (default 100ms)"), std::string::npos) << usage;
  EXPECT_NE(usage.find("lifetime (default 24h)"), std::string::npos) << usage;
  EXPECT_NE(usage.find("-k, --key-type VALUE"), std::string::npos) << usage;
  EXPECT_NE(usage.find("\nMore:\n"), std::string::npos) << usage;
  EXPECT_NE(usage.find("--plaintext[=true|false]"), std::string::npos) << usage;
}

}  // namespace
}  // namespace jib::flags
