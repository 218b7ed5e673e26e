#include "mesh/config/mesh_config_source.h"

#include <gtest/gtest.h>

#include "mesh/api/parse.h"
#include "test/unit/support/config_from_yaml.h"

namespace jib::mesh {
namespace {

StoreStatePtr state_of(const std::string& yaml) { return jib::testing::state_from_yaml(yaml); }

const char* kIstioConfigMap = R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    enableAutoMtls: false
    rootNamespace: mesh-root
)";

MeshConfigSource source_with_defaults() {
  MeshConfigSource source;
  auto defaults = std::make_shared<MeshConfig>();
  defaults->trust_domain = "ca.example";
  source.defaults = defaults;
  return source;
}

TEST(MeshConfigSource, TheIstioConfigMapOfTheControlPlaneNamespace) {
  auto config = source_with_defaults().resolve(*state_of(kIstioConfigMap));
  EXPECT_FALSE(config->enable_auto_mtls);
  EXPECT_EQ(config->root_namespace, "mesh-root");
}

TEST(MeshConfigSource, DefaultsWithoutItOrInAnotherNamespace) {
  auto source = source_with_defaults();
  EXPECT_EQ(source.resolve(*state_of("")), source.defaults);
  source.ns = "jib-system";
  EXPECT_EQ(source.resolve(*state_of(kIstioConfigMap)), source.defaults);
}

TEST(MeshConfigSource, AFileWinsOverTheConfigMap) {
  auto source = source_with_defaults();
  auto file = std::make_shared<MeshConfig>();
  file->root_namespace = "from-file";
  source.file = file;
  EXPECT_EQ(source.resolve(*state_of(kIstioConfigMap))->root_namespace, "from-file");
}

TEST(MeshConfigSource, ABadMeshConfigIsRefusedWithTheConfigMapLikeAnyBadObject) {
  const std::string bad = R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    connectTimeout: 0s
)";
  ParseResult r = parse_and_validate(bad, "mesh.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].object, "ConfigMap istio-system/istio");
  EXPECT_EQ(r.errors[0].field, "data.mesh.connectTimeout");
  EXPECT_TRUE(r.objects.empty());
  // Only the ConfigMap named istio holds MeshConfig.
  std::string other = bad;
  other.replace(other.find("name: istio"), 11, "name: other");
  EXPECT_TRUE(parse_and_validate(other, "other.yaml").errors.empty());
}

}  // namespace
}  // namespace jib::mesh
