// jibctl analyze's security analyzers: PeerAuthentications that conflict at the mesh or namespace
// level (JIB0003, JIB0004), and AuthorizationPolicies that apply to no workload (IST0127).
#include <gtest/gtest.h>

#include "test/unit/mesh/analysis/analysis_test_util.h"

namespace jib::mesh::analysis {
namespace {

using testing::codes;
using testing::run;

std::string pa(const std::string& ns, const std::string& name, const std::string& spec) {
  return "---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\n"
         "metadata: {name: " +
         name + ", namespace: " + ns + "}\nspec: " + spec + "\n";
}

TEST(AnalyzePeerAuthentication, TwoMeshWidePoliciesConflict) {
  auto findings = run(pa("istio-system", "strict", "{mtls: {mode: STRICT}}") +
                      pa("istio-system", "permissive", "{mtls: {mode: PERMISSIVE}}") +
                      // A workload policy in the root namespace is not mesh-wide.
                      pa("istio-system", "ingress",
                         "{selector: {matchLabels: {istio: ingressgateway}}, mtls: {mode: "
                         "DISABLE}}") +
                      // One namespace-wide policy per namespace is fine.
                      pa("bookinfo", "default", "{mtls: {mode: STRICT}}"));
  EXPECT_EQ(codes(findings),
            (std::vector<std::string>{"JIB0003 PeerAuthentication istio-system/strict ",
                                      "JIB0003 PeerAuthentication istio-system/permissive "}));
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].name, "MultipleMeshWidePeerAuthentications");
  EXPECT_EQ(findings[0].level, Finding::Level::kError);
  // Objects from files have no creation time: the first by name wins, as PolicyIndex decides.
  EXPECT_EQ(findings[1].str(),
            "a.yaml:7: Error [JIB0003] (PeerAuthentication istio-system/permissive) The "
            "PeerAuthentications permissive, strict in the root namespace \"istio-system\" have no "
            "workload selector; only the oldest (by creation time, then name), permissive, takes "
            "effect mesh-wide and the others are ignored. Merge them into one resource.");
}

// A PeerAuthentication in the root namespace with a creation time, as the API server gives it.
std::string created(const std::string& name, const std::string& timestamp) {
  return "---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\n"
         "metadata: {name: " +
         name + ", namespace: istio-system, creationTimestamp: \"" + timestamp + "\"}\nspec: {}\n";
}

TEST(AnalyzePeerAuthentication, OldestWinsByCreationTime) {
  auto findings = run(created("a", "2024-05-02T00:00:00Z") + created("b", "2024-05-03T00:00:00Z") +
                      created("c", "2024-05-01T00:00:00Z"));
  ASSERT_EQ(findings.size(), 3u);
  for (const auto& f : findings) {
    EXPECT_NE(f.message.find("The PeerAuthentications c, a, b in the root namespace"),
              std::string::npos)
        << f.message;
    EXPECT_NE(f.message.find("only the oldest (by creation time, then name), c, takes"),
              std::string::npos)
        << f.message;
  }
}

TEST(AnalyzePeerAuthentication, NamespaceWideConflictAndCustomRootNamespace) {
  MeshConfig mesh;
  mesh.root_namespace = "mesh-root";
  auto findings = run(pa("mesh-root", "a", "{mtls: {mode: STRICT}}") +
                          pa("mesh-root", "b", "{mtls: {mode: STRICT}}") +
                          // istio-system is an ordinary namespace under this MeshConfig.
                          pa("istio-system", "a", "{}") + pa("istio-system", "b", "{}") +
                          pa("bookinfo", "only", "{}"),
                      mesh);
  EXPECT_EQ(codes(findings), (std::vector<std::string>{
                                 "JIB0003 PeerAuthentication mesh-root/a ",
                                 "JIB0003 PeerAuthentication mesh-root/b ",
                                 "JIB0004 PeerAuthentication istio-system/a ",
                                 "JIB0004 PeerAuthentication istio-system/b ",
                             }));
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[2].name, "MultipleNamespaceWidePeerAuthentications");
  EXPECT_NE(findings[2].message.find("in namespace \"istio-system\""), std::string::npos);
  EXPECT_NE(findings[2].message.find("takes effect namespace-wide"), std::string::npos);
}

constexpr const char* kWorkloads = R"(
apiVersion: v1
kind: Pod
metadata: {name: httpbin-1, namespace: httpbin, labels: {app: httpbin, version: v1}}
spec: {containers: [{name: httpbin}, {name: istio-proxy}]}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm-1, namespace: vms, labels: {ignored: here}}
spec: {address: 10.0.0.9, labels: {app: legacy}}
)";

std::string ap(const std::string& ns, const std::string& name, const std::string& spec) {
  return "---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
         "metadata: {name: " +
         name + ", namespace: " + ns + "}\nspec:\n" + spec;
}

TEST(AnalyzeAuthorizationPolicy, SelectorsThatMatchWorkloadsAreFine) {
  auto findings = run(
      std::string(kWorkloads) + ap("httpbin", "v1", "  selector: {matchLabels: {app: httpbin}}\n") +
      // A WorkloadEntry's spec labels are what selectors match.
      ap("vms", "legacy", "  selector: {matchLabels: {app: legacy}}\n  action: DENY\n") +
      // Namespace-wide, in namespaces with workloads; mesh-wide without selector.
      ap("httpbin", "ns-wide", "  rules: [{}]\n") + ap("vms", "ns-wide", "  {}\n") +
      ap("istio-system", "mesh-wide",
         "  action: DENY\n  rules: [{from: [{source: {"
         "namespaces: [untrusted]}}]}]\n") +
      // In the root namespace a selector matches workloads of every namespace.
      ap("istio-system", "httpbin-v1", "  selector: {matchLabels: {app: httpbin, version: v1}}\n") +
      // targetRef policies name their target; they are not judged by labels.
      ap("httpbin", "gateway",
         "  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: waypoint}\n"));
  EXPECT_EQ(codes(findings), std::vector<std::string>{});
}

TEST(AnalyzeAuthorizationPolicy, NoMatchingWorkloads) {
  auto findings =
      run(std::string(kWorkloads) +
          // The pod is in httpbin, not in the policy's namespace.
          ap("other", "httpbin", "  selector: {matchLabels: {app: httpbin}}\n") +
          ap("httpbin", "v2", "  selector: {matchLabels: {version: v2, app: httpbin}}\n") +
          ap("istio-system", "meshwide-v3", "  selector: {matchLabels: {version: v3}}\n") +
          // Namespace-wide in a namespace without workloads.
          ap("empty", "ns-wide", "  action: DENY\n  rules: [{}]\n"));
  EXPECT_EQ(codes(findings),
            (std::vector<std::string>{"IST0127 AuthorizationPolicy other/httpbin spec.selector",
                                      "IST0127 AuthorizationPolicy httpbin/v2 spec.selector",
                                      "IST0127 AuthorizationPolicy istio-system/meshwide-v3 "
                                      "spec.selector",
                                      "IST0127 AuthorizationPolicy empty/ns-wide "}));
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[0].name, "NoMatchingWorkloadsFound");
  EXPECT_EQ(findings[0].level, Finding::Level::kWarning);
  // Istio's message, with the selector as Kubernetes prints it (keys sorted); the line is the
  // selector's.
  EXPECT_EQ(findings[1].str(),
            "a.yaml:22: Warning [IST0127] (AuthorizationPolicy httpbin/v2) spec.selector: No "
            "matching workloads for this resource with the following labels: "
            "app=httpbin,version=v2");
  EXPECT_EQ(findings[3].message,
            "No matching workloads for this resource with the following labels: ");
}

TEST(AnalyzeAuthorizationPolicy, SilentWhenNoWorkloadIsKnown) {
  // Config without any Pod or WorkloadEntry says nothing about which workloads exist.
  auto findings = run(ap("httpbin", "v1", "  selector: {matchLabels: {app: httpbin}}\n") +
                      ap("empty", "ns-wide", "  rules: [{}]\n"));
  EXPECT_EQ(codes(findings), std::vector<std::string>{});
}

}  // namespace
}  // namespace jib::mesh::analysis
