#include "mesh/model/policy_index.h"

#include <gtest/gtest.h>

#include "test/unit/support/config_from_yaml.h"

#include "mesh/api/parse.h"
#include "mesh/model/snapshot.h"

namespace jib::mesh {
namespace {

using Mode = PeerAuthenticationMutualTLS::Mode;

StoreStatePtr state_of(const std::string& yaml) { return jib::testing::state_from_yaml(yaml); }

std::string names(const std::vector<const AuthorizationPolicy*>& policies) {
  std::string out;
  for (const auto* p : policies) out += (out.empty() ? "" : ",") + p->meta.ns + "/" + p->meta.name;
  return out;
}

template <typename T>
std::string names_of(const std::vector<const T*>& objects) {
  std::string out;
  for (const auto* o : objects) out += (out.empty() ? "" : ",") + o->meta.name;
  return out;
}

constexpr const char* kPeerAuthentications = R"(
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: z-later, namespace: istio-system}
spec: {mtls: {mode: DISABLE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: root-selector, namespace: istio-system}
spec:
  selector: {matchLabels: {app: legacy}}
  mtls: {mode: DISABLE}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: legacy}
spec: {mtls: {mode: PERMISSIVE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: inherit}
spec: {mtls: {mode: UNSET}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: a-finance, namespace: legacy}
spec:
  selector: {matchLabels: {app: finance}}
  mtls: {mode: UNSET}
  portLevelMtls:
    8080: {mode: DISABLE}
    9090: {mode: UNSET}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: b-finance, namespace: legacy}
spec:
  selector: {matchLabels: {app: finance}}
  mtls: {mode: STRICT}
)";

TEST(PolicyIndex, PeerAuthenticationWorkloadOverNamespaceOverMesh) {
  auto state = state_of(kPeerAuthentications);
  auto index = PolicyIndex::build(*state);
  // Only the mesh-wide policy: the oldest (first by name) of the root namespace wins.
  auto other = index.peer_authentication({"other", {{"app", "legacy"}}});
  EXPECT_EQ(other.mode, Mode::kStrict);
  EXPECT_EQ(other.mesh_policy->meta.name, "default");
  // A selector policy in the root namespace is not a workload policy for other namespaces.
  EXPECT_EQ(other.workload_policy, nullptr);
  // UNSET at the namespace level inherits the mesh's mode.
  EXPECT_EQ(index.peer_authentication({"inherit", {}}).mode, Mode::kStrict);
  // The namespace policy overrides the mesh.
  auto plain = index.peer_authentication({"legacy", {{"app", "web"}}});
  EXPECT_EQ(plain.mode, Mode::kPermissive);
  EXPECT_EQ(plain.namespace_policy->meta.name, "default");
  EXPECT_TRUE(plain.per_port.empty());
  // Of two workload policies the oldest wins; its UNSET inherits from the namespace, an UNSET
  // port inherits the workload's resolved mode.
  auto finance = index.peer_authentication({"legacy", {{"app", "finance"}, {"v", "1"}}});
  EXPECT_EQ(finance.workload_policy->meta.name, "a-finance");
  EXPECT_EQ(finance.mode, Mode::kPermissive);
  EXPECT_EQ(finance.per_port,
            (std::map<uint32_t, Mode>{{8080, Mode::kDisable}, {9090, Mode::kPermissive}}));
}

TEST(PolicyIndex, OldestByCreationTimestampWinsOverName) {
  // Objects read from a cluster carry their creation time; it decides before the name does.
  auto state = state_of(R"(
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: a-newer, namespace: istio-system, creationTimestamp: "2024-05-02T00:00:00Z"}
spec: {mtls: {mode: DISABLE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: b-older, namespace: istio-system, creationTimestamp: "2024-05-01T00:00:00Z"}
spec: {mtls: {mode: STRICT}}
)");
  auto index = PolicyIndex::build(*state);
  auto effective = index.peer_authentication({"foo", {}});
  EXPECT_EQ(effective.mesh_policy->meta.name, "b-older");
  EXPECT_EQ(effective.mode, Mode::kStrict);
}

TEST(PolicyIndex, PeerAuthenticationDefaultsToPermissive) {
  auto index = PolicyIndex::build(StoreState{});
  auto effective = index.peer_authentication({"default", {}});
  EXPECT_EQ(effective.mode, Mode::kPermissive);
  EXPECT_EQ(effective.mesh_policy, nullptr);
}

TEST(PolicyIndex, RootNamespaceIsAParameter) {
  auto state = state_of(kPeerAuthentications);
  // With another root, istio-system's policies are just those of one namespace.
  auto index = PolicyIndex::build(*state, "mesh-root");
  EXPECT_EQ(index.root_namespace(), "mesh-root");
  EXPECT_EQ(index.peer_authentication({"other", {}}).mode, Mode::kPermissive);
  EXPECT_EQ(index.peer_authentication({"istio-system", {}}).mode, Mode::kStrict);
  EXPECT_EQ(index.peer_authentications_in("legacy").size(), 3u);
}

constexpr const char* kAuthorizationPolicies = R"(
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: mesh-deny, namespace: istio-system}
spec:
  action: DENY
  rules: [{from: [{source: {notNamespaces: ["*"]}}]}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: root-selected, namespace: istio-system}
spec:
  selector: {matchLabels: {app: httpbin}}
  rules: [{}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ns-allow, namespace: foo}
spec:
  rules: [{to: [{operation: {methods: [GET]}}]}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: httpbin-audit, namespace: foo}
spec:
  selector: {matchLabels: {app: httpbin}}
  action: AUDIT
  rules: [{}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: other-ns, namespace: bar}
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: gateway-authz, namespace: foo}
spec:
  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: ingress}]
  action: CUSTOM
  provider: {name: ext-authz}
  rules: [{}]
)";

TEST(PolicyIndex, AuthorizationPoliciesByScopeAndAction) {
  auto state = state_of(kAuthorizationPolicies);
  auto index = PolicyIndex::build(*state);
  auto httpbin = index.authorization_policies({"foo", {{"app", "httpbin"}}});
  EXPECT_EQ(names(httpbin.deny), "istio-system/mesh-deny");
  // A selector in the root namespace reaches workloads of every namespace; root first.
  EXPECT_EQ(names(httpbin.allow), "istio-system/root-selected,foo/ns-allow");
  EXPECT_EQ(names(httpbin.audit), "foo/httpbin-audit");
  EXPECT_TRUE(httpbin.custom.empty());
  // Selectors that do not match, and other namespaces' policies, stay out.
  auto web = index.authorization_policies({"foo", {{"app", "web"}}});
  EXPECT_EQ(names(web.allow), "foo/ns-allow");
  EXPECT_TRUE(web.audit.empty());
  auto elsewhere = index.authorization_policies({"baz", {{"app", "web"}}});
  EXPECT_EQ(names(elsewhere.deny), "istio-system/mesh-deny");
  EXPECT_TRUE(elsewhere.allow.empty());
}

TEST(PolicyIndex, TargetRefSelectsTheNamedGatewayOnly) {
  auto state = state_of(kAuthorizationPolicies);
  auto index = PolicyIndex::build(*state);
  const std::string label = "gateway.networking.k8s.io/gateway-name";
  EXPECT_EQ(names(index.authorization_policies({"foo", {{label, "ingress"}}}).custom),
            "foo/gateway-authz");
  EXPECT_TRUE(index.authorization_policies({"foo", {{label, "egress"}}}).custom.empty());
  EXPECT_TRUE(index.authorization_policies({"bar", {{label, "ingress"}}}).custom.empty());
  EXPECT_TRUE(index.authorization_policies({"foo", {{"app", "ingress"}}}).custom.empty());
}

TEST(PolicyIndex, RequestAuthenticationsAccumulateAcrossLevels) {
  auto state = state_of(R"(
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: mesh-jwt, namespace: istio-system}
spec: {jwtRules: [{issuer: mesh}]}
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: ns-jwt, namespace: foo}
spec: {jwtRules: [{issuer: ns}]}
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: app-jwt, namespace: foo}
spec:
  selector: {matchLabels: {app: api}}
  jwtRules: [{issuer: app}]
)");
  auto index = PolicyIndex::build(*state);
  EXPECT_EQ(names_of(index.request_authentications({"foo", {{"app", "api"}}})),
            "mesh-jwt,app-jwt,ns-jwt");
  EXPECT_EQ(names_of(index.request_authentications({"foo", {{"app", "web"}}})), "mesh-jwt,ns-jwt");
  EXPECT_EQ(names_of(index.request_authentications({"bar", {}})), "mesh-jwt");
}

TEST(PolicyIndex, WasmPluginsInFilterChainOrder) {
  auto state = state_of(R"(
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: stats, namespace: istio-system}
spec: {url: oci://r/stats, phase: STATS}
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: anywhere, namespace: foo}
spec: {url: oci://r/any}
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: authz-low, namespace: foo}
spec: {url: oci://r/a, phase: AUTHZ, priority: 1}
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: authz-high, namespace: foo}
spec: {url: oci://r/b, phase: AUTHZ, priority: 100}
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: authn, namespace: foo}
spec:
  selector: {matchLabels: {app: api}}
  url: oci://r/c
  phase: AUTHN
)");
  auto index = PolicyIndex::build(*state);
  EXPECT_EQ(names_of(index.wasm_plugins({"foo", {{"app", "api"}}})),
            "authn,authz-high,authz-low,stats,anywhere");
  EXPECT_EQ(names_of(index.wasm_plugins({"foo", {{"app", "web"}}})),
            "authz-high,authz-low,stats,anywhere");
  EXPECT_EQ(names_of(index.wasm_plugins({"bar", {}})), "stats");
}

TEST(PolicyIndex, TelemetryOnePerLevelInMergeOrder) {
  auto state = state_of(R"(
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: mesh-default, namespace: istio-system}
spec: {accessLogging: [{providers: [{name: envoy}]}]}
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: root-selected, namespace: istio-system}
spec:
  selector: {matchLabels: {app: api}}
  tracing: [{randomSamplingPercentage: 100}]
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: ns-a, namespace: foo}
spec: {tracing: [{randomSamplingPercentage: 1}]}
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: ns-b, namespace: foo}
spec: {tracing: [{randomSamplingPercentage: 2}]}
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: api, namespace: foo}
spec:
  selector: {matchLabels: {app: api}}
  metrics: [{providers: [{name: prometheus}]}]
)");
  auto index = PolicyIndex::build(*state);
  EXPECT_EQ(names_of(index.telemetries({"foo", {{"app", "api"}}})), "mesh-default,ns-a,api");
  EXPECT_EQ(names_of(index.telemetries({"foo", {{"app", "web"}}})), "mesh-default,ns-a");
  // Root-namespace selectors only pick workloads of the root namespace.
  EXPECT_EQ(names_of(index.telemetries({"bar", {{"app", "api"}}})), "mesh-default");
  EXPECT_EQ(names_of(index.telemetries({"istio-system", {{"app", "api"}}})),
            "mesh-default,root-selected");
}

TEST(PolicyIndex, SnapshotBuildsTheIndex) {
  auto state = state_of(kAuthorizationPolicies);
  auto snapshot = Snapshot::build(state);
  EXPECT_EQ(snapshot->policies().root_namespace(), "istio-system");
  EXPECT_EQ(snapshot->policies().authorization_policies_in("foo").size(), 3u);
  EXPECT_EQ(names(snapshot->policies().authorization_policies({"foo", {}}).allow), "foo/ns-allow");
}

}  // namespace
}  // namespace jib::mesh
