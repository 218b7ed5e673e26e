#include "test/unit/support/config_from_yaml.h"

#include <gtest/gtest.h>

#include "mesh/api/parse.h"

namespace jib::testing {

mesh::StoreStatePtr state_from_yaml(std::string_view yaml, const std::string& file) {
  mesh::ParseResult parsed = mesh::parse_and_validate(yaml, file);
  for (const auto& e : parsed.errors) ADD_FAILURE() << e.str();
  mesh::ConfigStore store;
  store.apply(mesh::Batch{parsed.objects, {}});
  return store.state();
}

mesh::SnapshotPtr snapshot_from_yaml(std::string_view yaml, std::string_view root_namespace) {
  return mesh::Snapshot::build(state_from_yaml(yaml), root_namespace);
}

}  // namespace jib::testing
