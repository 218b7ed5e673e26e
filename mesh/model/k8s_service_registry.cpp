#include "mesh/model/k8s_service_registry.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <utility>

namespace jib::mesh {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Istio's protocol.Parse: the names it knows, any case; empty when unknown.
std::string parse_protocol(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kKnown = {{
      {"tcp", "TCP"},
      {"udp", "UDP"},
      {"grpc", "GRPC"},
      {"grpc-web", "GRPC-WEB"},
      {"http", "HTTP"},
      {"http_proxy", "HTTP_PROXY"},
      {"http2", "HTTP2"},
      {"https", "HTTPS"},
      {"tls", "TLS"},
      {"mongo", "MONGO"},
      {"redis", "REDIS"},
      {"mysql", "MYSQL"},
  }};
  const std::string key = lower(name);
  for (const auto& [known, upper] : kKnown) {
    if (key == known) return std::string(upper);
  }
  return {};
}

std::vector<std::string> split_export_to(const Labels& annotations) {
  std::vector<std::string> out;
  auto it = annotations.find(std::string(kExportToAnnotation));
  if (it == annotations.end()) return out;
  std::string_view rest = it->second;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) {
      item.remove_prefix(1);
    }
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) {
      item.remove_suffix(1);
    }
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

std::vector<ServicePort> service_ports(const K8sService& svc) {
  std::vector<ServicePort> out;
  for (const auto& p : svc.ports) {
    // Sidecars proxy TCP only: Istio builds no listener or cluster for UDP and SCTP ports, and the
    // generators here would treat them as TCP, so they are left out.
    if (p.protocol != K8sProtocol::kTcp) continue;
    ServicePort port;
    port.number = p.port;
    port.name = p.name;
    port.protocol = k8s_port_protocol(p);
    // A named targetPort is resolved per endpoint, by the EndpointSlice's port of the same name.
    if (const auto* number = std::get_if<uint32_t>(&p.target_port)) port.target_port = *number;
    out.push_back(std::move(port));
  }
  return out;
}

const Pod* pod_of(const StoreState& state, const SliceEndpoint& endpoint, const std::string& ns) {
  if (!endpoint.target_ref || endpoint.target_ref->kind != "Pod") return nullptr;
  const auto& ref = *endpoint.target_ref;
  auto it = state.objects.find(ConfigKey{"Pod", ref.ns.empty() ? ns : ref.ns, ref.name});
  return it == state.objects.end() ? nullptr : std::get_if<Pod>(it->second.get());
}

// Service port name -> the port the slice's endpoints listen on. Kubernetes names slice ports as
// the Service's; a single unnamed slice port belongs to the Service's only port.
std::map<std::string, uint32_t> slice_ports(const EndpointSlice& slice,
                                            const std::vector<ServicePort>& ports) {
  std::map<std::string, uint32_t> out;
  for (const auto& p : slice.ports) {
    if (!p.port) continue;  // "all ports": the service ports' own target ports apply
    if (p.name.empty() && slice.ports.size() == 1 && ports.size() == 1) {
      out[ports.front().name] = *p.port;
    } else if (std::any_of(ports.begin(), ports.end(),
                           [&](const ServicePort& sp) { return sp.name == p.name; })) {
      out[p.name] = *p.port;
    }
  }
  return out;
}

Endpoint to_endpoint(const StoreState& state, const EndpointSlice& slice, const SliceEndpoint& se,
                     const std::string& address, const std::map<std::string, uint32_t>& ports) {
  Endpoint ep;
  ep.address = address;
  ep.ports = ports;
  // Istio's locality is region/zone/subzone; a slice knows only the zone (the region is on the
  // Node, which is not watched).
  if (!se.zone.empty()) ep.locality = "/" + se.zone;
  if (const Pod* pod = pod_of(state, se, slice.meta.ns)) {
    ep.labels = pod->meta.labels;
    ep.service_account = pod->service_account();
    // The injector labels the pod itself; a pod injected otherwise still runs the proxy, so the
    // container decides, unless the pod says otherwise.
    if (pod->has_sidecar()) ep.labels.try_emplace(std::string(kTlsModeLabel), "istio");
  }
  return ep;
}

void add_endpoints(const StoreState& state, const K8sService& svc,
                   const std::vector<const EndpointSlice*>& slices, Service& out) {
  // A pod moving between slices shows up in both for a while; Istio keeps one per address.
  std::set<std::string, std::less<>> seen;
  for (const EndpointSlice* slice : slices) {
    // Istio does not read FQDN slices: their addresses are not IPs Envoy can connect to.
    if (slice->address_type == EndpointSlice::AddressType::kFqdn) continue;
    const auto ports = slice_ports(*slice, out.ports);
    for (const auto& se : slice->endpoints) {
      // Unknown readiness counts as ready (as kube-proxy); publishNotReadyAddresses asks for all.
      if (se.conditions.ready == false && !svc.publish_not_ready_addresses) continue;
      for (const auto& address : se.addresses) {
        if (!seen.insert(address).second) continue;
        out.endpoints.push_back(to_endpoint(state, *slice, se, address, ports));
      }
    }
  }
}

}  // namespace

std::string k8s_port_protocol(const K8sServicePort& port) {
  std::string name = port.name;
  if (!port.app_protocol.empty()) {
    // Kubernetes' standard appProtocol names, which a port name cannot carry.
    if (port.app_protocol == "kubernetes.io/h2c") return "HTTP2";
    if (port.app_protocol == "kubernetes.io/ws") return "HTTP";
    if (port.app_protocol == "kubernetes.io/wss") return "HTTPS";
    name = port.app_protocol;
  }
  // "grpc-web" holds the separator the prefix rule splits on, so it is checked first.
  if (lower(name.substr(0, 8)) == "grpc-web") return "GRPC-WEB";
  std::string protocol = parse_protocol(std::string_view(name).substr(0, name.find('-')));
  // Istio sniffs unknown protocols; the generators here have no sniffing, so plain TCP.
  return protocol.empty() ? "TCP" : protocol;
}

void add_kubernetes_services(const StoreState& state, std::vector<Service>& services,
                             std::map<std::string, size_t, std::less<>>& by_host) {
  // Slices by (namespace, service name), in name order: one pass instead of one per Service.
  std::map<std::pair<std::string, std::string>, std::vector<const EndpointSlice*>> slices;
  const ConfigKey first_slice{"EndpointSlice", "", ""};
  for (auto it = state.objects.lower_bound(first_slice);
       it != state.objects.end() && it->first.kind == "EndpointSlice"; ++it) {
    const auto* slice = std::get_if<EndpointSlice>(it->second.get());
    if (slice == nullptr || slice->service_name().empty()) continue;
    slices[{slice->meta.ns, slice->service_name()}].push_back(slice);
  }

  const ConfigKey first_service{"Service", "", ""};
  for (auto it = state.objects.lower_bound(first_service);
       it != state.objects.end() && it->first.kind == "Service"; ++it) {
    const auto* svc = std::get_if<K8sService>(it->second.get());
    // ExternalName Services are DNS aliases; Istio's DNS-resolved form of them is not built yet.
    if (svc == nullptr || svc->type == K8sService::Type::kExternalName) continue;
    Service out;
    out.hostname = svc->meta.name + "." + svc->meta.ns + ".svc." + std::string(kClusterDomain);
    if (by_host.contains(out.hostname)) continue;
    out.ns = svc->meta.ns;
    out.ports = service_ports(*svc);
    // STATIC: the endpoints are listed (EDS), for headless Services too, which Istio serves as
    // passthrough to the original destination; listing them is what the generators support.
    out.resolution = ServiceEntry::Resolution::kStatic;
    out.location = ServiceEntry::Location::kMeshInternal;
    out.export_to = split_export_to(svc->meta.annotations);
    out.source = it->first;
    if (auto s = slices.find({svc->meta.ns, svc->meta.name}); s != slices.end()) {
      add_endpoints(state, *svc, s->second, out);
    }
    by_host.emplace(out.hostname, 0);
    services.push_back(std::move(out));
  }
}

}  // namespace jib::mesh
