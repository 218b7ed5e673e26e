// The one way unit tests turn YAML into config: the real parser and validation (any error fails
// the test), then the real store.
#pragma once

#include <string>
#include <string_view>

#include "mesh/config/config_store.h"
#include "mesh/model/snapshot.h"

namespace jib::testing {

mesh::StoreStatePtr state_from_yaml(std::string_view yaml, const std::string& file = "test.yaml");

// Istio's default MeshConfig with the given root namespace.
mesh::SnapshotPtr snapshot_from_yaml(std::string_view yaml,
                                     std::string_view root_namespace = "istio-system");

}  // namespace jib::testing
