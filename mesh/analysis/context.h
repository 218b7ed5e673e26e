// What analyzers read: one store state, the MeshConfig, and indexes built once for all of them.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/analysis/finding.h"
#include "mesh/api/mesh_config.h"
#include "mesh/config/config_store.h"
#include "mesh/model/policy_index.h"

namespace jib::mesh::analysis {

// A workload as analyzers see it: a Pod or a WorkloadEntry, or a ServiceEntry's inline endpoint.
struct Workload {
  std::string kind;  // "Pod", "WorkloadEntry", "ServiceEntry"
  std::string ns;
  std::string name;
  const Labels* labels = nullptr;
};

class Context {
 public:
  // lines, when given, maps each object to the lines of its fields (from the parser), so that
  // findings point at the field's line; otherwise at the object's.
  Context(StoreStatePtr state, MeshConfig mesh, std::map<ConfigKey, FieldLines> lines = {});

  const MeshConfig& mesh() const { return mesh_; }
  // Security policies by namespace, oldest first, with the MeshConfig's root namespace.
  const PolicyIndex& policies() const { return policies_; }

  // Every object of kind T, by namespace and name.
  template <typename T>
  std::vector<const T*> objects() const {
    std::vector<const T*> out;
    for (const auto& [key, object] : state_->objects) {
      if (const T* o = std::get_if<T>(object.get())) out.push_back(o);
    }
    return out;
  }

  // True when some service defines the host (ServiceEntry hosts, Kubernetes Services as
  // <name>.<ns>.svc.cluster.local), exactly or through a wildcard ServiceEntry host; a wildcard
  // host is known when it matches a defined one.
  bool host_known(std::string_view host) const;

  // The workloads behind a hostname: pods and WorkloadEntries its Kubernetes Service selects, a
  // ServiceEntry's inline endpoints and the workloads its workloadSelector selects.
  // has_source is set when the service says where its workloads come from at all (a selector or
  // endpoints), so that an empty answer means "none match" rather than "not known here".
  std::vector<Workload> workloads_of_host(std::string_view host, bool* has_source) const;

  // Pods and WorkloadEntries in ns (every namespace when ns is empty) that carry all the labels.
  std::vector<Workload> workloads_matching(const Labels& selector, std::string_view ns) const;

  // True when any Pod or WorkloadEntry is among the objects: without one, nothing is known here
  // about which workloads exist, and "selects no workload" cannot be told.
  bool has_workloads() const { return !workloads_.empty(); }

  bool secret_exists(std::string_view ns, std::string_view name) const;

  // A finding about an object, with the line of the field when known.
  Finding finding(std::string code, std::string name, Finding::Level level, const ConfigKey& key,
                  const ObjectMeta& meta, std::string field, std::string message) const;

 private:
  StoreStatePtr state_;
  MeshConfig mesh_;
  std::map<ConfigKey, FieldLines> lines_;
  PolicyIndex policies_;
  std::set<std::string, std::less<>> hosts_;
  std::vector<std::string> wildcard_hosts_;
  std::vector<Workload> workloads_;  // pods and WorkloadEntries
};

}  // namespace jib::mesh::analysis
