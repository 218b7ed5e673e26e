#include "xds/envoy_rbac/normalized_path.h"

#include <gtest/gtest.h>

namespace jib::xds::authz {
namespace {

TEST(NormalizedPath, ResolvesDotSegmentsAsRfc3986) {
  EXPECT_EQ(normalized_path("/x/../admin"), "/admin");
  EXPECT_EQ(normalized_path("/admin/../public"), "/public");
  EXPECT_EQ(normalized_path("/a/./b/./c"), "/a/b/c");
  EXPECT_EQ(normalized_path("/../../etc"), "/etc");
  EXPECT_EQ(normalized_path("/a/b/.."), "/a/");
  EXPECT_EQ(normalized_path("/a/b/."), "/a/b/");
  EXPECT_EQ(normalized_path("/a/b/../../.."), "/");
}

TEST(NormalizedPath, KeepsWhatIsAlreadyNormalAndTheQuery) {
  EXPECT_EQ(normalized_path("/"), "/");
  EXPECT_EQ(normalized_path("/info"), "/info");
  EXPECT_EQ(normalized_path("/info/"), "/info/");
  EXPECT_EQ(normalized_path("/a//b"), "/a//b");  // merge_slashes is off, as in Istio's BASE
  EXPECT_EQ(normalized_path("/x/../info?a=../b"), "/info?a=../b");
  EXPECT_EQ(normalized_path("/a/..."), "/a/...");
  EXPECT_EQ(normalized_path(""), "/");
}

}  // namespace
}  // namespace jib::xds::authz
