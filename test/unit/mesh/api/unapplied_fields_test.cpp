// The unapplied-fields table, what it reports for parsed objects, and its page in docs/. Whether
// the listed fields really change nothing is test/unit/xds/translate/unapplied_fields_test.cpp.
#include "mesh/api/unapplied_fields.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "mesh/api/parse.h"

namespace jib::mesh {
namespace {

// The warnings of every object in the text, in document order.
std::vector<std::string> warnings_for(const std::string& yaml) {
  ParseResult parsed = parse_and_validate(yaml, "u.yaml");
  for (const auto& e : parsed.errors) ADD_FAILURE() << e.str();
  std::vector<std::string> out;
  for (size_t i = 0; i < parsed.objects.size(); ++i) {
    for (const auto& w : unapplied_warnings(parsed.objects[i], &parsed.lines[i])) {
      out.push_back(w.str());
    }
  }
  return out;
}

TEST(UnappliedFields, RowsAreUniqueAndExplained) {
  std::set<std::string> seen;
  for (const auto& row : unapplied_field_table()) {
    EXPECT_TRUE(seen.insert(row.kind + " " + row.path).second) << row.kind << " " << row.path;
    EXPECT_FALSE(row.reason.empty()) << row.kind << " " << row.path;
  }
}

TEST(UnappliedFields, FaultIsWarnedAtItsLine) {
  EXPECT_EQ(warnings_for(R"(apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: shop}
spec:
  hosts: [ratings]
  http:
  - route: [{destination: {host: ratings}}]
  - match: [{uri: {prefix: /slow}}]
    route: [{destination: {host: ratings}}]
    fault:
      delay: {fixedDelay: 2s, percentage: {value: 100}}
)"),
            std::vector<std::string>{
                "u.yaml:10: VirtualService shop/ratings: spec.http[1].fault: accepted, not yet "
                "applied (no fault is injected)"});
}

TEST(UnappliedFields, DestinationRuleNamesTheSubsetAndPortAndOnlyUnappliedTlsModes) {
  EXPECT_EQ(warnings_for(R"(apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: db, namespace: shop}
spec:
  host: db
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
    loadBalancer: {simple: ROUND_ROBIN}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy:
      portLevelSettings:
      - port: {number: 5432}
        tls: {mode: SIMPLE}
)"),
            std::vector<std::string>{
                "u.yaml:15: DestinationRule shop/db: "
                "spec.subsets[0].trafficPolicy.portLevelSettings[0].tls.mode: accepted, not yet "
                "applied for SIMPLE, MUTUAL (only ISTIO_MUTUAL and DISABLE are built; the cluster "
                "stays plaintext)"});
}

TEST(UnappliedFields, WholeKindsAreWarnedWithoutAField) {
  auto warnings = warnings_for(R"(apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: auth, namespace: shop}
spec:
  url: oci://registry.example.com/auth:1
)");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(
      warnings[0],
      "u.yaml:1: WasmPlugin shop/auth: accepted, not yet applied (no Wasm filters are built)");
}

TEST(UnappliedFields, ObjectsUsingOnlyTranslatedFieldsAreQuiet) {
  EXPECT_TRUE(warnings_for(R"(apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: shop}
spec:
  hosts: [ratings]
  gateways: [mesh]
  http:
  - match: [{uri: {prefix: /v2}}]
    route: [{destination: {host: ratings, subset: v2}}]
    retries: {attempts: 2, perTryTimeout: 1s}
    timeout: 5s
)")
                  .empty());
  EXPECT_TRUE(unapplied_fields(MeshConfig{}).empty()) << "Istio's defaults are what jibd does";
}

TEST(UnappliedFields, MeshConfigOfTheIstioConfigMap) {
  auto warnings = warnings_for(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    outboundTrafficPolicy: {mode: REGISTRY_ONLY}
    enableAutoMtls: true
)");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("ConfigMap istio-system/istio: data.mesh.outboundTrafficPolicy.mode: "
                             "accepted, not yet applied for REGISTRY_ONLY"),
            std::string::npos)
      << warnings[0];
  EXPECT_TRUE(warnings_for("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: "
                           "a}\ndata: {mesh: 'outboundTrafficPolicy: {mode: REGISTRY_ONLY}'}\n")
                  .empty());
}

TEST(UnappliedFields, DocMatchesTable) {
  const std::filesystem::path doc =
      std::filesystem::path(JIB_SOURCE_DIR) / "docs/unapplied-fields.md";
  std::ifstream in(doc);
  std::stringstream text;
  text << in.rdbuf();
  const std::string expected = unapplied_fields_markdown();
  if (text.str() != expected) {
    const auto fresh = std::filesystem::temp_directory_path() / "unapplied-fields.md";
    std::ofstream(fresh) << expected;
    ADD_FAILURE() << doc << " differs from the table in mesh/api/unapplied_fields.cpp; the page "
                  << "for the table is in " << fresh << ": copy it over.";
  }
}

}  // namespace
}  // namespace jib::mesh
