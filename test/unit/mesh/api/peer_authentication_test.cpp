#include "mesh/api/peer_authentication.h"

#include <gtest/gtest.h>

#include "test/unit/mesh/api/policy_test_util.h"

namespace jib::mesh {
namespace {

using testing::expect_invalid;
using testing::InvalidCase;
using testing::parse_valid;
using Mode = PeerAuthenticationMutualTLS::Mode;

// Every field of the reference docs' PeerAuthentication.
constexpr const char* kFullYaml = R"(apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: finance
  namespace: foo
spec:
  selector:
    matchLabels:
      app: finance
  mtls:
    mode: STRICT
  portLevelMtls:
    8080:
      mode: DISABLE
    9090:
      mode: UNSET
    9443:
      mode: PERMISSIVE
)";

constexpr const char* kFullJson = R"({
  "apiVersion": "security.istio.io/v1beta1",
  "kind": "PeerAuthentication",
  "metadata": {"name": "finance", "namespace": "foo"},
  "spec": {
    "selector": {"matchLabels": {"app": "finance"}},
    "mtls": {"mode": "STRICT"},
    "portLevelMtls": {"8080": {"mode": "DISABLE"}, "9090": {"mode": "UNSET"},
                      "9443": {"mode": "PERMISSIVE"}}
  }
})";

TEST(PeerAuthentication, EveryDocumentedFieldParses) {
  auto pa = parse_valid<PeerAuthentication>(kFullYaml);
  EXPECT_EQ(pa.meta.ns, "foo");
  ASSERT_TRUE(pa.selector.has_value());
  EXPECT_EQ(pa.selector->match_labels.at("app"), "finance");
  ASSERT_TRUE(pa.mtls.has_value());
  EXPECT_EQ(pa.mtls->mode, Mode::kStrict);
  ASSERT_TRUE(pa.port_level_mtls.has_value());
  ASSERT_EQ(pa.port_level_mtls->size(), 3u);
  EXPECT_EQ(pa.port_level_mtls->at(8080).mode, Mode::kDisable);
  EXPECT_EQ(pa.port_level_mtls->at(9090).mode, Mode::kUnset);
  EXPECT_EQ(pa.port_level_mtls->at(9443).mode, Mode::kPermissive);
}

TEST(PeerAuthentication, JsonAndYamlGiveEqualValues) {
  EXPECT_EQ(parse_valid<PeerAuthentication>(kFullYaml),
            parse_valid<PeerAuthentication>(kFullJson, "fixture.json"));
}

TEST(PeerAuthentication, MeshWideStrictNeedsNoSelector) {
  auto pa = parse_valid<PeerAuthentication>(R"(apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec:
  mtls: {mode: STRICT}
)");
  EXPECT_FALSE(pa.selector.has_value());
  EXPECT_FALSE(pa.port_level_mtls.has_value());
}

TEST(PeerAuthentication, EmptySpecIsValid) {
  auto pa = parse_valid<PeerAuthentication>(R"(apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: foo}
spec: {}
)");
  EXPECT_FALSE(pa.mtls.has_value());
}

const InvalidCase kInvalid[] = {
    {"port-level mTLS without selector", R"(apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa, namespace: foo}
spec:
  mtls: {mode: STRICT}
  portLevelMtls:
    8080: {mode: DISABLE}
)",
     "spec.portLevelMtls", "only allowed with a workload selector"},
    {"port-level mTLS with empty selector", R"(apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa, namespace: foo}
spec:
  selector: {matchLabels: {}}
  portLevelMtls:
    8080: {mode: DISABLE}
)",
     "spec.portLevelMtls", "only allowed with a workload selector"},
    {"unknown mode", R"(apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa, namespace: foo}
spec:
  mtls: {mode: MUTUAL}
)",
     "spec.mtls.mode",
     "unknown value \"MUTUAL\" (expected one of UNSET, DISABLE, PERMISSIVE, STRICT)"},
    {"port 0", R"(apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa, namespace: foo}
spec:
  selector: {matchLabels: {app: a}}
  portLevelMtls:
    0: {mode: DISABLE}
)",
     "spec.portLevelMtls.0", "must be between 1 and 65535"},
    {"port too large", R"(apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa, namespace: foo}
spec:
  selector: {matchLabels: {app: a}}
  portLevelMtls:
    70000: {mode: DISABLE}
)",
     "spec.portLevelMtls.70000", "port number 70000 must be between 1 and 65535"},
    {"port not a number", R"(apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa, namespace: foo}
spec:
  selector: {matchLabels: {app: a}}
  portLevelMtls:
    http: {mode: DISABLE}
)",
     "spec.portLevelMtls.http", "port must be a number"},
    {"empty port-level map", R"(apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa, namespace: foo}
spec:
  selector: {matchLabels: {app: a}}
  portLevelMtls: {}
)",
     "spec.portLevelMtls", "must list at least one port"},
    {"wildcard in selector", R"(apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa, namespace: foo}
spec:
  selector: {matchLabels: {app: "web-*"}}
)",
     "spec.selector.matchLabels.app", "wildcard not allowed in label value"},
    {"unsupported version", R"(apiVersion: security.istio.io/v1alpha1
kind: PeerAuthentication
metadata: {name: pa, namespace: foo}
spec: {}
)",
     "apiVersion", "unsupported apiVersion"},
};

TEST(PeerAuthentication, InvalidObjectsFailWithPathAndReason) {
  for (const auto& c : kInvalid) expect_invalid(c);
}

TEST(PeerAuthentication, ErrorLineIsTheFieldsLine) {
  auto r = parse_and_validate(kInvalid[0].yaml, "pa.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].str(),
            "pa.yaml:6: PeerAuthentication foo/pa: spec.portLevelMtls: only allowed with a "
            "workload selector; mesh-wide and namespace-wide policies cannot set port-level mTLS");
}

}  // namespace
}  // namespace jib::mesh
