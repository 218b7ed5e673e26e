// The Kubernetes service registry: Services, their EndpointSlices and the Pods behind them, read
// into mesh::Service as istiod's kube controller does, so that proxies see Kubernetes Services.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/config/config_store.h"
#include "mesh/model/service.h"

namespace jib::mesh {

// Istio's default cluster domain; hostnames are <name>.<namespace>.svc.cluster.local.
inline constexpr std::string_view kClusterDomain = "cluster.local";
// Lists the namespaces a Service is exported to (comma separated), as on a ServiceEntry.
inline constexpr std::string_view kExportToAnnotation = "networking.istio.io/exportTo";
// The label Istio puts on endpoints of sidecar-injected pods: peers may then send mTLS.
inline constexpr std::string_view kTlsModeLabel = "security.istio.io/tlsMode";

// Istio's protocol selection for a Kubernetes Service port, upper case as ServicePort holds it:
// appProtocol when set (it replaces the port name, as in Istio), else the port name's prefix
// before the first '-' ("grpc-web" as a whole), case-insensitive; anything else is TCP.
std::string k8s_port_protocol(const K8sServicePort& port);

// Appends one Service per Kubernetes Service of the state (ClusterIP, NodePort, LoadBalancer
// and headless; not ExternalName) and records its hostname in by_host (index 0: the caller
// re-indexes after sorting). Hostnames already in by_host are left alone. Called before
// ServiceEntries are added, so a Kubernetes Service wins over a ServiceEntry of the same host,
// as in Istio (a ServiceEntry cannot squat on a Kubernetes Service's name).
void add_kubernetes_services(const StoreState& state, std::vector<Service>& services,
                             std::map<std::string, size_t, std::less<>>& by_host);

}  // namespace jib::mesh
