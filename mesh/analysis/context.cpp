#include "mesh/analysis/context.h"

#include "mesh/model/snapshot.h"

namespace jib::mesh::analysis {
namespace {

std::string k8s_host(const K8sService& svc) {
  return svc.meta.name + "." + svc.meta.ns + ".svc.cluster.local";
}

}  // namespace

Context::Context(StoreStatePtr state, MeshConfig mesh, std::map<ConfigKey, FieldLines> lines)
    : state_(state ? std::move(state) : std::make_shared<const StoreState>()),
      mesh_(std::move(mesh)),
      lines_(std::move(lines)),
      policies_(PolicyIndex::build(*state_, mesh_.root_namespace)) {
  for (const auto* se : objects<ServiceEntry>()) {
    for (const auto& h : se->hosts) {
      if (h.starts_with("*")) {
        wildcard_hosts_.push_back(h);
      } else {
        hosts_.insert(h);
      }
    }
  }
  for (const auto* svc : objects<K8sService>()) hosts_.insert(k8s_host(*svc));
  for (const auto* pod : objects<Pod>()) {
    workloads_.push_back(Workload{"Pod", pod->meta.ns, pod->meta.name, &pod->meta.labels});
  }
  for (const auto* we : objects<WorkloadEntry>()) {
    // A WorkloadEntry's labels are its spec's (the metadata labels are the object's own).
    workloads_.push_back(Workload{"WorkloadEntry", we->meta.ns, we->meta.name, &we->spec.labels});
  }
}

bool Context::host_known(std::string_view host) const {
  if (hosts_.contains(host)) return true;
  for (const auto& pattern : wildcard_hosts_) {
    if (host_matches(pattern, host)) return true;
  }
  if (host.starts_with("*")) {
    for (const auto& h : hosts_) {
      if (host_matches(host, h)) return true;
    }
  }
  return false;
}

std::vector<Workload> Context::workloads_matching(const Labels& selector,
                                                  std::string_view ns) const {
  std::vector<Workload> out;
  for (const auto& w : workloads_) {
    if ((ns.empty() || w.ns == ns) && labels_match(selector, *w.labels)) out.push_back(w);
  }
  return out;
}

std::vector<Workload> Context::workloads_of_host(std::string_view host, bool* has_source) const {
  std::vector<Workload> out;
  *has_source = false;
  for (const auto* svc : objects<K8sService>()) {
    if (k8s_host(*svc) != host || svc->selector.empty()) continue;
    *has_source = true;
    auto selected = workloads_matching(svc->selector, svc->meta.ns);
    out.insert(out.end(), selected.begin(), selected.end());
  }
  for (const auto* se : objects<ServiceEntry>()) {
    bool claims = false;
    for (const auto& h : se->hosts) claims = claims || h == host;
    if (!claims) continue;
    for (size_t i = 0; i < se->endpoints.size(); ++i) {
      *has_source = true;
      out.push_back(Workload{"ServiceEntry", se->meta.ns,
                             se->meta.name + ".endpoints[" + std::to_string(i) + "]",
                             &se->endpoints[i].labels});
    }
    if (se->workload_selector) {
      *has_source = true;
      auto selected = workloads_matching(se->workload_selector->match_labels, se->meta.ns);
      out.insert(out.end(), selected.begin(), selected.end());
    }
  }
  return out;
}

bool Context::secret_exists(std::string_view ns, std::string_view name) const {
  return state_->objects.contains(ConfigKey{"Secret", std::string(ns), std::string(name)});
}

Finding Context::finding(std::string code, std::string name, Finding::Level level,
                         const ConfigKey& key, const ObjectMeta& meta, std::string field,
                         std::string message) const {
  Finding f;
  f.code = std::move(code);
  f.name = std::move(name);
  f.level = level;
  f.object = key;
  f.file = meta.source.file;
  f.line = meta.source.line;
  if (auto it = lines_.find(key); it != lines_.end()) {
    // The field's line, else the nearest enclosing field's.
    std::string path = field;
    while (!path.empty()) {
      if (auto l = it->second.find(path); l != it->second.end()) {
        f.line = l->second;
        break;
      }
      size_t cut = path.find_last_of(".[");
      path.resize(cut == std::string::npos ? 0 : cut);
    }
  }
  f.field = std::move(field);
  f.message = std::move(message);
  return f;
}

}  // namespace jib::mesh::analysis
