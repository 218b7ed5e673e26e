#include "base/duration.h"

#include <gtest/gtest.h>

namespace jib {
namespace {

using namespace std::chrono_literals;

std::optional<std::chrono::nanoseconds> parse(std::string_view text, std::string* error = nullptr,
                                              std::optional<std::chrono::nanoseconds> bare = {}) {
  std::string ignored;
  return parse_duration(text, error ? error : &ignored, bare);
}

TEST(Duration, IstioSpellings) {
  EXPECT_EQ(parse("100ms"), 100ms);
  EXPECT_EQ(parse("10s"), 10s);
  EXPECT_EQ(parse("5m"), 5min);
  EXPECT_EQ(parse("24h"), 24h);
  EXPECT_EQ(parse("1h30m"), 90min);
  EXPECT_EQ(parse("1h30m15s250ms"), 1h + 30min + 15s + 250ms);
  EXPECT_EQ(parse("1.5h"), 90min);
  EXPECT_EQ(parse(".5s"), 500ms);
  EXPECT_EQ(parse("1.s"), 1s);
  EXPECT_EQ(parse("250us"), 250us);
  EXPECT_EQ(parse("250\xC2\xB5s"), 250us);
  EXPECT_EQ(parse("7ns"), 7ns);
  EXPECT_EQ(parse("+3s"), 3s);
  EXPECT_EQ(parse("0"), 0ns);
  EXPECT_EQ(parse("3650d"), 3650 * 24h);
}

TEST(Duration, BareIntegerKeepsItsOldUnit) {
  EXPECT_EQ(parse("100", nullptr, 1ms), 100ms);
  EXPECT_EQ(parse("45", nullptr, 1s), 45s);
  EXPECT_EQ(parse("0", nullptr, 1s), 0s);
  // Without a unit for bare numbers, a number needs one.
  std::string error;
  EXPECT_FALSE(parse("100", &error));
  EXPECT_NE(error.find("missing unit"), std::string::npos) << error;
}

TEST(Duration, Errors) {
  std::string error;
  EXPECT_FALSE(parse("-5s", &error));
  EXPECT_NE(error.find("negative"), std::string::npos) << error;
  EXPECT_FALSE(parse("5x", &error));
  EXPECT_NE(error.find("unknown unit \"x\""), std::string::npos) << error;
  EXPECT_FALSE(parse("5 min", &error));
  EXPECT_FALSE(parse("", &error));
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
  EXPECT_FALSE(parse("s", &error));
  EXPECT_FALSE(parse(".s", &error));
  EXPECT_FALSE(parse("1h30", &error));
  EXPECT_NE(error.find("missing unit"), std::string::npos) << error;
  EXPECT_FALSE(parse("+", &error));
  EXPECT_FALSE(parse("1h-5m", &error));
}

TEST(Duration, Overflow) {
  std::string error;
  // int64 nanoseconds hold about 2562047 hours.
  EXPECT_TRUE(parse("2562047h"));
  EXPECT_FALSE(parse("2562048h", &error));
  EXPECT_NE(error.find("out of range"), std::string::npos) << error;
  EXPECT_FALSE(parse("99999999999999999999s", &error));
  EXPECT_NE(error.find("out of range"), std::string::npos) << error;
  EXPECT_FALSE(parse("2562047h2562047h", &error));
  EXPECT_NE(error.find("out of range"), std::string::npos) << error;
  EXPECT_FALSE(parse("99999999999999999999", &error, 1ms));
  EXPECT_FALSE(parse("9999999999999999", &error, 1s));
  EXPECT_NE(error.find("out of range"), std::string::npos) << error;
}

TEST(Duration, FormatReadsBack) {
  EXPECT_EQ(format_duration(0ns), "0s");
  EXPECT_EQ(format_duration(100ms), "100ms");
  EXPECT_EQ(format_duration(20min), "20m");
  EXPECT_EQ(format_duration(90min + 5s), "1h30m5s");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(3650 * 24h), "87600h");
  for (std::chrono::nanoseconds d :
       {std::chrono::nanoseconds(1ns), std::chrono::nanoseconds(250us),
        std::chrono::nanoseconds(100ms), std::chrono::nanoseconds(1500ms),
        std::chrono::nanoseconds(59s), std::chrono::nanoseconds(61min),
        std::chrono::nanoseconds(87600h)}) {
    EXPECT_EQ(parse(format_duration(d)), d) << format_duration(d);
  }
}

}  // namespace
}  // namespace jib
