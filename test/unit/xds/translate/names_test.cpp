#include "xds/translate/names.h"

#include <gtest/gtest.h>

namespace jib::xds::names {
namespace {

TEST(Names, OutboundClusterRoundTrips) {
  std::string name = outbound_cluster(8080, "v1", "web.example.com");
  EXPECT_EQ(name, "outbound|8080|v1|web.example.com");
  auto parsed = parse_cluster(name);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->direction, Direction::kOutbound);
  EXPECT_EQ(parsed->port, 8080u);
  EXPECT_EQ(parsed->subset, "v1");
  EXPECT_EQ(parsed->host, "web.example.com");
}

TEST(Names, ParseRejectsOtherShapes) {
  EXPECT_FALSE(parse_cluster("BlackHoleCluster"));
  EXPECT_FALSE(parse_cluster("outbound|http|v1|web"));
  EXPECT_FALSE(parse_cluster("sideways|80||web"));
  auto inbound = parse_cluster("inbound|9080||");
  ASSERT_TRUE(inbound);
  EXPECT_EQ(inbound->direction, Direction::kInbound);
  EXPECT_EQ(inbound->host, "");
}

TEST(Names, ListenerAndRoute) {
  EXPECT_EQ(listener("127.0.0.1", 18080), "127.0.0.1_18080");
  EXPECT_EQ(outbound_route(18080), "18080");
  EXPECT_EQ(virtual_host("web.example.com", 80), "web.example.com:80");
}

}  // namespace
}  // namespace jib::xds::names
