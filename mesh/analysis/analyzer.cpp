#include "mesh/analysis/analyzer.h"

#include <algorithm>
#include <tuple>

#include "mesh/analysis/analyzers.h"

namespace jib::mesh::analysis {

std::string_view level_name(Finding::Level level) {
  switch (level) {
    case Finding::Level::kInfo:
      return "Info";
    case Finding::Level::kWarning:
      return "Warning";
    case Finding::Level::kError:
      return "Error";
  }
  return "Warning";
}

std::string Finding::str() const {
  std::string out;
  if (!file.empty()) out += file + (line > 0 ? ":" + std::to_string(line) : "") + ": ";
  out += std::string(level_name(level)) + " [" + code + "] ";
  if (!object.kind.empty()) out += "(" + object.str() + ") ";
  if (!field.empty()) out += field + ": ";
  return out + message;
}

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
