#include <gtest/gtest.h>

#include "mesh/api/parse.h"

namespace jib::mesh {
namespace {

// A field of a future Istio at two depths, and one at the top level.
constexpr const char* kFromNewerIstio = R"(apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se, namespace: ns}
spec:
  hosts: [a.example.com]
  resolution: DNS
  futureField: 1
  ports:
  - {number: 80, name: http, protocol: HTTP, futurePortField: x}
extra: 1
)";

TEST(StrictMode, UnknownFieldsAreErrorsNamingTheField) {
  auto r = parse_yaml(kFromNewerIstio, "new.yaml", ParseOptions{.strict = true});
  EXPECT_TRUE(r.objects.empty());
  EXPECT_TRUE(r.warnings.empty());
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].str(),
            "new.yaml:10: ServiceEntry ns/se: extra: unknown field (not in the Istio API this Jib "
            "knows)");
  EXPECT_EQ(r.errors[1].field, "spec.futureField");
  EXPECT_EQ(r.errors[1].line, 7);
  EXPECT_EQ(r.errors[2].field, "spec.ports[0].futurePortField");
  EXPECT_EQ(r.errors[2].object, "ServiceEntry ns/se");
}

TEST(StrictMode, DaemonDefaultWarnsAndKeepsTheObject) {
  auto r = parse_and_validate(kFromNewerIstio, "new.yaml");
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.objects.size(), 1u);
  ASSERT_EQ(r.warnings.size(), 3u);
  EXPECT_EQ(r.warnings[1].str(),
            "new.yaml:7: ServiceEntry ns/se: spec.futureField: unknown field, ignored");
}

TEST(StrictMode, UnknownKindsStayWarningsEvenWhenStrict) {
  // A directory of manifests holds Deployments too; they are not ours to judge.
  auto r = parse_yaml("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n", "d.yaml",
                      ParseOptions{.strict = true});
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.warnings.size(), 1u);
}

}  // namespace
}  // namespace jib::mesh
