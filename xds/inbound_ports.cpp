#include "xds/inbound_ports.h"

#include <charconv>
#include <set>

#include "xds/names.h"

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

std::vector<InboundPort> inbound_ports(const MeshView& view) {
  std::vector<InboundPort> out;
  const Proxy& proxy = view.proxy();
  const mesh::Sidecar* sidecar = view.sidecar();
  if (proxy.type != Proxy::Type::kSidecar || !sidecar ||
      proxy.interception != Proxy::InterceptionMode::kNone) {
    return out;
  }
  std::set<uint32_t> seen;
  for (const auto& ingress : sidecar->ingress) {
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

}  // namespace jib::xds
