#include "xds/translate/inbound_ports.h"

#include <charconv>
#include <set>

#include "xds/translate/names.h"

namespace jib::xds {
namespace {

// "host:port" -> parts; false for unix:// endpoints and malformed text (validation has
// already refused those, this keeps generation total).
bool split_endpoint(const std::string& text, std::string* host, uint32_t* port) {
  size_t colon = text.rfind(':');
  if (text.starts_with("unix://") || colon == std::string::npos || colon == 0) return false;
  *host = text.substr(0, colon);
  const char* first = text.data() + colon + 1;
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(first, last, *port);
  return ec == std::errc() && end == last && *port > 0 && *port <= 65535;
}

}  // namespace

bool inbound_depends_on_ip(const mesh::Snapshot& snapshot, const Proxy& proxy) {
  if (proxy.type != Proxy::Type::kSidecar) return false;
  const bool capture = proxy.interception != Proxy::InterceptionMode::kNone;
  const mesh::Sidecar* sidecar = snapshot.networking().sidecar_for(proxy.ns, proxy.labels);
  if (sidecar && !sidecar->ingress.empty()) {
    for (const auto& ingress : sidecar->ingress) {
      if ((!capture && ingress.bind.empty()) || ingress.default_endpoint.starts_with("0.0.0.0:")) {
        return true;
      }
    }
    return false;
  }
  return capture && snapshot.has_endpoint_at(proxy.ip);
}

namespace {

std::vector<InboundPort> from_sidecar_ingress(const mesh::Sidecar& sidecar, const Proxy& proxy) {
  std::vector<InboundPort> out;
  std::set<uint32_t> seen;
  for (const auto& ingress : sidecar.ingress) {
    if (!ingress.port || !seen.insert(ingress.port->number).second) continue;
    InboundPort in;
    in.port = *ingress.port;
    in.bind = ingress.bind.empty() ? proxy.ip : ingress.bind;
    std::string endpoint = ingress.default_endpoint.empty()
                               ? "127.0.0.1:" + std::to_string(in.port.number)
                               : ingress.default_endpoint;
    if (!split_endpoint(endpoint, &in.endpoint_host, &in.endpoint_port)) continue;
    if (in.endpoint_host == "0.0.0.0") in.endpoint_host = proxy.ip;
    in.cluster = names::inbound_cluster(in.port.number);
    out.push_back(std::move(in));
  }
  return out;
}

// Every workload port of the services that have an endpoint at the proxy's IP.
std::vector<InboundPort> from_service_instances(const MeshView& view) {
  std::vector<InboundPort> out;
  std::set<uint32_t> seen;
  const std::string& ip = view.proxy().ip;
  for (const mesh::Service* service : view.services_with_endpoint_at(ip)) {
    for (const mesh::Endpoint& endpoint : service->endpoints) {
      if (endpoint.address != ip) continue;
      for (const mesh::ServicePort& port : service->ports) {
        InboundPort in;
        in.port = port;
        in.port.number = endpoint.port_for(port);
        if (!seen.insert(in.port.number).second) continue;
        in.cluster = names::inbound_cluster(in.port.number);
        out.push_back(std::move(in));
      }
    }
  }
  return out;
}

}  // namespace

std::vector<InboundPort> inbound_ports(const MeshView& view) {
  const Proxy& proxy = view.proxy();
  if (proxy.type != Proxy::Type::kSidecar) return {};
  const mesh::Sidecar* sidecar = view.sidecar();
  if (sidecar && !sidecar->ingress.empty()) return from_sidecar_ingress(*sidecar, proxy);
  if (proxy.interception == Proxy::InterceptionMode::kNone) return {};
  return from_service_instances(view);
}

}  // namespace jib::xds
