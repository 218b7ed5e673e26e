#include "mesh/api/validate_policy_target.h"

namespace jib::mesh::detail {

void validate_peer_authentication(const PeerAuthentication& pa, Reporter& report) {
  if (pa.selector) validate_policy_selector(*pa.selector, "spec.selector", report);
  if (!pa.port_level_mtls) return;
  // Ports only mean something for a known set of workloads: mesh- and namespace-wide policies
  // cover workloads whose ports differ.
  if (!pa.selector || pa.selector->match_labels.empty()) {
    report("spec.portLevelMtls",
           "only allowed with a workload selector; mesh-wide and namespace-wide policies cannot "
           "set port-level mTLS");
  }
  if (pa.port_level_mtls->empty()) {
    report("spec.portLevelMtls", "must list at least one port when set");
  }
  for (const auto& [port, mtls] : *pa.port_level_mtls) {
    validate_port_number(port, "spec.portLevelMtls." + std::to_string(port), report);
  }
}

}  // namespace jib::mesh::detail
