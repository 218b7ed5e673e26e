#include "mesh/analysis/analyzers.h"

#include <algorithm>
#include <tuple>

namespace jib::mesh::analysis {

std::vector<AnalyzerPtr> all_analyzers() {
  std::vector<AnalyzerPtr> out;
  out.push_back(make_destination_host_analyzer());
  out.push_back(make_destination_subset_analyzer());
  out.push_back(make_subset_workload_analyzer());
  out.push_back(make_gateway_secret_analyzer());
  out.push_back(make_conflicting_virtual_service_hosts_analyzer());
  out.push_back(make_peer_authentication_conflicts_analyzer());
  out.push_back(make_authorization_policy_workloads_analyzer());
  return out;
}

std::vector<Finding> analyze(const Context& context) {
  std::vector<Finding> out;
  for (const auto& a : all_analyzers()) a->analyze(context, out);
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.file, a.line, a.code) < std::tie(b.file, b.line, b.code);
  });
  return out;
}

}  // namespace jib::mesh::analysis
