// Values of the wrong shape anywhere in the security, extension and telemetry kinds are errors
// with a location, never crashes or silently accepted objects.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mesh/api/parse.h"

namespace jib::mesh {
namespace {

struct KindFields {
  const char* api_version;
  const char* kind;
  std::vector<const char*> fields;  // spec fields whose values are objects or lists
};

const KindFields kKinds[] = {
    {"security.istio.io/v1", "PeerAuthentication", {"selector", "mtls", "portLevelMtls"}},
    {"security.istio.io/v1",
     "RequestAuthentication",
     {"selector", "targetRef", "targetRefs", "jwtRules"}},
    {"security.istio.io/v1",
     "AuthorizationPolicy",
     {"selector", "targetRef", "targetRefs", "rules", "provider"}},
    {"extensions.istio.io/v1alpha1",
     "WasmPlugin",
     {"selector", "targetRef", "targetRefs", "pluginConfig", "vmConfig", "match"}},
    {"telemetry.istio.io/v1",
     "Telemetry",
     {"selector", "targetRef", "targetRefs", "tracing", "metrics", "accessLogging"}},
};

TEST(PolicyKindsShape, ScalarWhereAStructureBelongsIsAnError) {
  for (const auto& k : kKinds) {
    for (const char* field : k.fields) {
      SCOPED_TRACE(std::string(k.kind) + "." + field);
      std::string yaml = std::string("apiVersion: ") + k.api_version + "\nkind: " + k.kind +
                         "\nmetadata: {name: x, namespace: foo}\nspec:\n  " + field + ": 7\n";
      ParseResult r = parse_and_validate(yaml, "shape.yaml");
      EXPECT_TRUE(r.objects.empty());
      ASSERT_FALSE(r.errors.empty());
      EXPECT_EQ(r.errors[0].field, std::string("spec.") + field);
      EXPECT_EQ(r.errors[0].line, 5);
      EXPECT_EQ(r.errors[0].object, std::string(k.kind) + " foo/x");
    }
  }
}

TEST(PolicyKindsShape, NestedWrongShapesNeverCrash) {
  // Each nested value is replaced by a list, a map and a scalar in turn.
  const char* const kNested[] = {
      "rules: [{from: [{source: {principals: {a: b}}}], to: 5, when: [{key: [1]}]}]",
      "rules: [{from: [{source: 3}], to: [{operation: [1]}], when: {key: a}}]",
      "jwtRules: [{issuer: [a], fromHeaders: {name: a}, outputClaimToHeaders: [3], timeout: []}]",
      "portLevelMtls: {80: [STRICT], '': {mode: {}}}",
      "vmConfig: {env: [{name: [a], valueFrom: {}}]}",
      "match: [{mode: [], ports: [{number: [1]}, 3]}]",
      "tracing: [{customTags: {a: [1], b: {literal: 1}}, randomSamplingPercentage: [1]}]",
      "metrics: [{overrides: [{match: [], tagOverrides: {t: [1]}}], reportingInterval: {}}]",
      "accessLogging: [{filter: [1], providers: {name: a}}]",
  };
  for (const auto& k : kKinds) {
    for (const char* nested : kNested) {
      SCOPED_TRACE(std::string(k.kind) + ": " + nested);
      std::string yaml = std::string("apiVersion: ") + k.api_version + "\nkind: " + k.kind +
                         "\nmetadata: {name: x, namespace: foo}\nspec:\n  " + nested + "\n";
      ParseResult r = parse_and_validate(yaml, "shape.yaml");
      // Fields of another kind are only warnings; the kind's own fields must give errors.
      for (const auto& e : r.errors) EXPECT_GT(e.line, 0) << e.str();
      if (r.warnings.empty()) {
        EXPECT_FALSE(r.errors.empty());
      }
    }
  }
}

}  // namespace
}  // namespace jib::mesh
