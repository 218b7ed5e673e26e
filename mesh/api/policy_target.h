// What security, extension and telemetry policies share: the workloads they apply to, chosen by
// a label selector or by reference to a resource (istio.type.v1beta1.PolicyTargetReference).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mesh/api/service_entry.h"

namespace jib::mesh {

struct PolicyTargetReference {
  std::string group;  // empty means the core group
  std::string kind;
  std::string name;
  std::string ns;  // Istio rejects anything but empty: no cross-namespace references
  bool operator==(const PolicyTargetReference&) const = default;
};

// At most one of the three is set (validation enforces it); none set means every workload of the
// policy's namespace, or of the mesh when the policy is in the root namespace.
struct PolicyScope {
  std::optional<WorkloadSelector> selector;
  std::optional<PolicyTargetReference> target_ref;
  std::vector<PolicyTargetReference> target_refs;
  bool operator==(const PolicyScope&) const = default;
};

}  // namespace jib::mesh
