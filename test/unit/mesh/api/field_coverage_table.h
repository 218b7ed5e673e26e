// What field_coverage_test.cpp holds every parsed Istio field to: per kind, the fixture that sets
// every field its decoder accepts, the decoder sources, and the fields jibd applies. A field is
// "applied" here when a generator (xds/translate) or the model it reads (mesh/model, mesh/config)
// acts on it; the fields it accepts without acting on are in mesh/api/unapplied_fields.cpp.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace jib::mesh::coverage {

// A field written only with SIMPLE or MUTUAL TLS (validation refuses it with ISTIO_MUTUAL, and
// DISABLE ignores it, as in Istio): the unapplied row of its mode already warns when it could
// matter, so it is covered by that row and its values rather than listed again.
struct CoveredByValue {
  std::string path;      // "spec.trafficPolicy.tls.credentialName"
  std::string row_path;  // the unapplied row: "spec.trafficPolicy.tls.mode"
};

struct KindCoverage {
  std::string kind;  // as in unapplied_field_table(); "MeshConfig" for the istio ConfigMap's mesh
  std::vector<std::string> fixtures;  // under testdata/all_fields/
  std::vector<std::string> decoders;  // under mesh/api/: the files whose keys it must set
  // Free-form maps (labels, headers by name): keys are the user's, not fields; the map is the leaf.
  std::vector<std::string> maps;
  std::vector<std::string> applied;  // normalized: [] for indexes, maps as their own path
  std::vector<CoveredByValue> covered_by_value;
  // Fields that parse but that validation always refuses (as Istio's does): no generator sees them.
  std::vector<std::string> refused = {};
};

// Every Istio kind the parser knows, and MeshConfig.
const std::vector<KindCoverage>& kind_coverage();

// Second spellings the decoders accept for one field (proto name vs JSON name): the test reads a
// path segment spelled the first way as the second.
const std::vector<std::pair<std::string, std::string>>& field_aliases();

}  // namespace jib::mesh::coverage
