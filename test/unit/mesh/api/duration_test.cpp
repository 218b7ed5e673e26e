#include "mesh/api/duration.h"

#include <gtest/gtest.h>

namespace jib::mesh {
namespace {

using namespace std::chrono_literals;

TEST(Duration, ParsesIstioForms) {
  EXPECT_EQ(parse_duration("1s"), Duration(1s));
  EXPECT_EQ(parse_duration("500ms"), Duration(500ms));
  EXPECT_EQ(parse_duration("1.5s"), Duration(1500ms));
  EXPECT_EQ(parse_duration("0.001s"), Duration(1ms));
  EXPECT_EQ(parse_duration("1m"), Duration(60s));
  EXPECT_EQ(parse_duration("1h"), Duration(3600s));
  EXPECT_EQ(parse_duration("1h30m"), Duration(5400s));
  EXPECT_EQ(parse_duration("250us"), Duration(250us));
  EXPECT_EQ(parse_duration("7ns"), Duration(7ns));
  EXPECT_EQ(parse_duration("0"), Duration(0));
}

TEST(Duration, RejectsOtherForms) {
  for (const char* bad : {"", "1", "s", "1.s5", "-1s", "1 s", "1x", "1.5", "99999999999999h"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(Duration, FormatRoundTrips) {
  for (auto d : {Duration(1s), Duration(1500ms), Duration(3us), Duration(0), Duration(60s)}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
  EXPECT_EQ(format_duration(Duration(1500ms)), "1500ms");
}

}  // namespace
}  // namespace jib::mesh
