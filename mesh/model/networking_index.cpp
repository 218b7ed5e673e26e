#include "mesh/model/networking_index.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "mesh/model/service.h"

namespace jib::mesh {
namespace {

bool older(const ObjectMeta& a, const ObjectMeta& b) {
  // Objects without a timestamp (from files) fall back to namespace/name order among themselves.
  return std::tie(a.creation_timestamp, a.ns, a.name) <
         std::tie(b.creation_timestamp, b.ns, b.name);
}

template <typename T>
void sort_oldest_first(std::vector<const T*>& list) {
  std::sort(list.begin(), list.end(),
            [](const T* a, const T* b) { return older(a->meta, b->meta); });
}

// "mesh", or a gateway reference resolved against the VirtualService's namespace.
std::string gateway_key(const std::string& gateway, const std::string& ns) {
  if (gateway == "mesh" || gateway.find('/') != std::string::npos) return gateway;
  return ns + "/" + gateway;
}

// How well a pattern matches a host: exact beats any wildcard, a longer wildcard a shorter one.
int match_rank(std::string_view pattern, std::string_view host) {
  if (pattern == host) return 1 << 20;
  return host_matches(pattern, host) ? static_cast<int>(pattern.size()) : -1;
}

void merge_into(MergedDestinationRule& merged, const DestinationRule& next) {
  std::set<std::string> names;
  for (const auto& s : merged.rule.subsets) names.insert(s.name);
  for (const auto& s : next.subsets) {
    if (names.insert(s.name).second) merged.rule.subsets.push_back(s);
  }
  // The oldest rule's traffic policy stands; a later one only fills in a missing policy.
  if (!merged.rule.traffic_policy) merged.rule.traffic_policy = next.traffic_policy;
  merged.sources.push_back(ConfigKey{"DestinationRule", next.meta.ns, next.meta.name});
}

}  // namespace

bool visible_to(const std::vector<std::string>& export_to, std::string_view object_ns,
                std::string_view proxy_ns) {
  if (export_to.empty()) return true;
  for (const auto& e : export_to) {
    if (e == "*" || e == proxy_ns || (e == "." && object_ns == proxy_ns)) return true;
  }
  return false;
}

NetworkingIndex NetworkingIndex::build(const StoreState& state, std::string_view root_namespace) {
  NetworkingIndex index;
  index.root_namespace_ = std::string(root_namespace);
  for (const auto& [key, object] : state.objects) {
    if (const auto* dr = std::get_if<DestinationRule>(object.get())) {
      index.destination_rules_[dr->meta.ns][resolve_short_name(dr->host, dr->meta.ns)].push_back(
          dr);
    } else if (const auto* vs = std::get_if<VirtualService>(object.get())) {
      std::set<std::string> bound;
      if (vs->gateways.empty()) bound.insert("mesh");
      for (const auto& gw : vs->gateways) bound.insert(gateway_key(gw, vs->meta.ns));
      for (const auto& gw : bound) index.virtual_services_[gw].push_back(vs);
    } else if (const auto* gw = std::get_if<Gateway>(object.get())) {
      index.gateways_.emplace(std::make_pair(gw->meta.ns, gw->meta.name), gw);
    } else if (const auto* sc = std::get_if<Sidecar>(object.get())) {
      index.sidecars_[sc->meta.ns].push_back(sc);
    }
  }
  for (auto& [ns, by_host] : index.destination_rules_) {
    for (auto& [host, list] : by_host) sort_oldest_first(list);
  }
  for (auto& [ns, list] : index.sidecars_) sort_oldest_first(list);
  for (auto& [gw, list] : index.virtual_services_) {
    sort_oldest_first(list);
    // Hosts claimed twice on one gateway: report once per host, the oldest winning.
    std::map<std::string, std::vector<const VirtualService*>> by_host;
    for (const auto* vs : list) {
      std::set<std::string> hosts;
      for (const auto& h : vs->hosts) hosts.insert(resolve_short_name(h, vs->meta.ns));
      for (const auto& h : hosts) by_host[h].push_back(vs);
    }
    for (const auto& [host, claimants] : by_host) {
      if (claimants.size() < 2) continue;
      VirtualServiceConflict conflict{
          host,
          gw,
          ConfigKey{"VirtualService", claimants[0]->meta.ns, claimants[0]->meta.name},
          {}};
      for (size_t i = 1; i < claimants.size(); ++i) {
        conflict.ignored.push_back(
            ConfigKey{"VirtualService", claimants[i]->meta.ns, claimants[i]->meta.name});
      }
      index.conflicts_.push_back(std::move(conflict));
    }
  }
  return index;
}

std::optional<MergedDestinationRule> NetworkingIndex::destination_rule(
    std::string_view proxy_ns, std::string_view hostname, std::string_view service_ns,
    const Labels& workload_labels) const {
  std::vector<std::string_view> order = {proxy_ns};
  if (service_ns != proxy_ns) order.push_back(service_ns);
  if (root_namespace_ != proxy_ns && root_namespace_ != service_ns) {
    order.push_back(root_namespace_);
  }
  for (std::string_view ns : order) {
    auto it = destination_rules_.find(ns);
    if (it == destination_rules_.end()) continue;
    // The best host match among the rules this proxy may use.
    int best = -1;
    std::vector<const DestinationRule*> chosen;
    for (const auto& [pattern, rules] : it->second) {
      int rank = match_rank(pattern, hostname);
      if (rank < 0 || rank < best) continue;
      std::vector<const DestinationRule*> usable;
      for (const auto* dr : rules) {
        if (!visible_to(dr->export_to, dr->meta.ns, proxy_ns)) continue;
        if (dr->workload_selector &&
            (dr->meta.ns != proxy_ns ||
             !labels_match(dr->workload_selector->match_labels, workload_labels))) {
          continue;
        }
        usable.push_back(dr);
      }
      if (usable.empty()) continue;
      if (rank > best) chosen.clear();
      best = rank;
      chosen.insert(chosen.end(), usable.begin(), usable.end());
    }
    if (chosen.empty()) continue;
    // Rules with a workloadSelector are more specific than the namespace-wide ones.
    std::stable_sort(chosen.begin(), chosen.end(),
                     [](const DestinationRule* a, const DestinationRule* b) {
                       return a->workload_selector.has_value() > b->workload_selector.has_value();
                     });
    MergedDestinationRule merged{
        *chosen[0], {ConfigKey{"DestinationRule", chosen[0]->meta.ns, chosen[0]->meta.name}}};
    for (size_t i = 1; i < chosen.size(); ++i) merge_into(merged, *chosen[i]);
    return merged;
  }
  return std::nullopt;
}

const VirtualService* NetworkingIndex::virtual_service(std::string_view proxy_ns,
                                                       std::string_view hostname,
                                                       std::string_view gateway) const {
  auto it = virtual_services_.find(gateway);
  if (it == virtual_services_.end()) return nullptr;
  const VirtualService* best = nullptr;
  int best_rank = -1;
  // The list is oldest first, so on equal rank the first found stays.
  for (const auto* vs : it->second) {
    if (gateway == "mesh" && !visible_to(vs->export_to, vs->meta.ns, proxy_ns)) continue;
    for (const auto& h : vs->hosts) {
      int rank = match_rank(resolve_short_name(h, vs->meta.ns), hostname);
      if (rank > best_rank) {
        best_rank = rank;
        best = vs;
      }
    }
  }
  return best;
}

std::vector<const VirtualService*> NetworkingIndex::gateway_virtual_services(
    std::string_view gateway) const {
  auto it = virtual_services_.find(gateway);
  return it == virtual_services_.end() ? std::vector<const VirtualService*>{} : it->second;
}

const Gateway* NetworkingIndex::gateway(std::string_view ns, std::string_view name) const {
  auto it = gateways_.find(std::make_pair(std::string(ns), std::string(name)));
  return it == gateways_.end() ? nullptr : it->second;
}

std::vector<const Gateway*> NetworkingIndex::gateways_for(const Labels& workload_labels) const {
  std::vector<const Gateway*> out;
  for (const auto& [key, gw] : gateways_) {
    // An empty selector would pick every workload; Istio treats it so, and so does Jib.
    if (labels_match(gw->selector, workload_labels)) out.push_back(gw);
  }
  return out;
}

const Sidecar* NetworkingIndex::sidecar_for(std::string_view proxy_ns,
                                            const Labels& workload_labels) const {
  const Sidecar* ns_default = nullptr;
  if (auto it = sidecars_.find(proxy_ns); it != sidecars_.end()) {
    for (const auto* sc : it->second) {
      if (sc->workload_selector) {
        if (labels_match(sc->workload_selector->match_labels, workload_labels)) return sc;
      } else if (ns_default == nullptr) {
        ns_default = sc;
      }
    }
  }
  if (ns_default != nullptr) return ns_default;
  if (auto it = sidecars_.find(root_namespace_); it != sidecars_.end()) {
    for (const auto* sc : it->second) {
      if (!sc->workload_selector) return sc;
    }
  }
  return nullptr;
}

}  // namespace jib::mesh
