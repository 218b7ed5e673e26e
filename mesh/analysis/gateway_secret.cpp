// IST0101: a Gateway server's credentialName that names no Secret. The Secret must live in the
// namespace of the gateway's workload: the namespaces of the pods its selector matches, or the
// Gateway's own namespace when no such pod is known here.
#include <set>

#include "mesh/analysis/analyzers.h"

namespace jib::mesh::analysis {
namespace {

class GatewaySecretAnalyzer : public Analyzer {
 public:
  std::string_view name() const override { return "gateway.secret"; }

  void analyze(const Context& context, std::vector<Finding>& out) const override {
    for (const auto* gw : context.objects<Gateway>()) {
      std::set<std::string> namespaces;
      for (const auto& w : context.workloads_matching(gw->selector, "")) namespaces.insert(w.ns);
      if (namespaces.empty()) namespaces.insert(gw->meta.ns);
      const ConfigKey key{"Gateway", gw->meta.ns, gw->meta.name};
      for (size_t i = 0; i < gw->servers.size(); ++i) {
        const auto& tls = gw->servers[i].tls;
        if (!tls) continue;
        const std::string path = "spec.servers[" + std::to_string(i) + "].tls";
        std::vector<std::pair<std::string, std::string>> names;
        if (!tls->credential_name.empty()) {
          names.emplace_back(tls->credential_name, path + ".credentialName");
        }
        for (size_t j = 0; j < tls->credential_names.size(); ++j) {
          names.emplace_back(tls->credential_names[j],
                             path + ".credentialNames[" + std::to_string(j) + "]");
        }
        for (const auto& [name, field] : names) {
          bool found = false;
          for (const auto& ns : namespaces) found = found || context.secret_exists(ns, name);
          if (found) continue;
          out.push_back(context.finding("IST0101", "ReferencedResourceNotFound",
                                        Finding::Level::kError, key, gw->meta, field,
                                        "Referenced credentialName not found: \"" + name + "\""));
        }
      }
    }
  }
};

}  // namespace

AnalyzerPtr make_gateway_secret_analyzer() { return std::make_unique<GatewaySecretAnalyzer>(); }

}  // namespace jib::mesh::analysis
