// LDS: outbound listeners per service port (per Sidecar egress listener when the Sidecar has
// some), and inbound listeners per inbound port, as Istio builds them for sidecars.
#include <map>
#include <set>

#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/extensions/filters/http/router/v3/router.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.pb.h"
#include "xds/translate/generators.h"
#include "xds/translate/inbound_listeners.h"
#include "xds/translate/mesh_view.h"
#include "xds/translate/names.h"
#include "xds/translate/protocol.h"

namespace jib::xds {
namespace {

using envoy::config::listener::v3::Listener;
using envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;

constexpr uint32_t kVirtualOutboundPort = 15001;

// What one outbound port carries: HTTP for every service, or TCP to one service.
struct PortUse {
  bool http = false;
  const mesh::Service* tcp_service = nullptr;
};

// Where outbound listeners go: Istio's default egress (every visible service, on the capture
// address or 127.0.0.1), or one Sidecar egress listener (its hosts, its bind, its port).
struct EgressBinding {
  std::string address;
  bool bind_to_port = true;
  const mesh::IstioEgressListener* egress = nullptr;  // nullptr: the default egress
};

std::vector<EgressBinding> egress_bindings(const MeshView& view) {
  // Without traffic capture the app dials localhost, so listeners must really bind there.
  const bool capture = view.proxy().interception != Proxy::InterceptionMode::kNone;
  const std::string default_address = capture ? "0.0.0.0" : "127.0.0.1";
  const mesh::Sidecar* sidecar = view.sidecar();
  if (!sidecar || sidecar->egress.empty()) return {{default_address, !capture, nullptr}};
  std::vector<EgressBinding> out;
  for (const auto& egress : sidecar->egress) {
    out.push_back({egress.bind.empty() ? default_address : egress.bind,
                   !capture || !egress.bind.empty(), &egress});
  }
  return out;
}

std::map<uint32_t, PortUse> ports_in_use(const MeshView& view, const EgressBinding& binding) {
  std::map<uint32_t, PortUse> ports;
  for (const mesh::Service* visible : view.services()) {
    const mesh::Service& service = *visible;
    if (binding.egress && !MeshView::egress_imports(*binding.egress, view.proxy().ns, service)) {
      continue;
    }
    for (const auto& port : service.ports) {
      if (binding.egress && binding.egress->port && binding.egress->port->number != port.number) {
        continue;
      }
      PortUse& use = ports[port.number];
      if (is_http_protocol(port)) {
        use.http = true;
      } else if (!use.tcp_service) {
        // Services are sorted by host, so the first host claims a shared TCP port, as
        // Istio resolves such conflicts deterministically.
        use.tcp_service = &service;
      }
    }
  }
  return ports;
}

void add_http_manager(uint32_t port, const std::string& stat_address, Listener* listener) {
  HttpConnectionManager manager;
  manager.set_stat_prefix("outbound_" + stat_address + "_" + std::to_string(port));
  manager.mutable_normalize_path()->set_value(true);  // Istio's default (BASE), both ways
  auto* rds = manager.mutable_rds();
  rds->set_route_config_name(names::outbound_route(port));
  rds->mutable_config_source()->mutable_ads();
  rds->mutable_config_source()->set_resource_api_version(envoy::config::core::v3::V3);
  auto* router = manager.add_http_filters();
  router->set_name("envoy.filters.http.router");
  router->mutable_typed_config()->PackFrom(envoy::extensions::filters::http::router::v3::Router());
  auto* filter = listener->add_filter_chains()->add_filters();
  filter->set_name("envoy.filters.network.http_connection_manager");
  filter->mutable_typed_config()->PackFrom(manager);
}

void add_tcp_proxy(const std::string& stat_prefix, const std::string& cluster, Listener* listener) {
  envoy::extensions::filters::network::tcp_proxy::v3::TcpProxy proxy;
  proxy.set_stat_prefix(stat_prefix);
  proxy.set_cluster(cluster);
  auto* filter = listener->add_filter_chains()->add_filters();
  filter->set_name("envoy.filters.network.tcp_proxy");
  filter->mutable_typed_config()->PackFrom(proxy);
}

Listener base_listener(const std::string& address, uint32_t port, bool bind) {
  Listener listener;
  listener.set_name(names::listener(address, port));
  auto* socket = listener.mutable_address()->mutable_socket_address();
  socket->set_address(address);
  socket->set_port_value(port);
  listener.set_traffic_direction(envoy::config::core::v3::OUTBOUND);
  if (!bind) listener.mutable_bind_to_port()->set_value(false);
  return listener;
}

// Catches traffic redirected by iptables and hands it to the listener of its original port.
Listener virtual_outbound() {
  Listener listener = base_listener("0.0.0.0", kVirtualOutboundPort, true);
  listener.set_name("virtualOutbound");
  listener.mutable_use_original_dst()->set_value(true);
  add_tcp_proxy(std::string(names::kPassthroughCluster), std::string(names::kPassthroughCluster),
                &listener);
  return listener;
}

}  // namespace

ResourcesPtr generate_listeners(const mesh::Snapshot& snapshot, const Proxy& proxy) {
  Resources out;
  if (proxy.type != Proxy::Type::kSidecar) return finish(std::move(out));
  MeshView view(snapshot, proxy);
  std::set<std::string> names;  // an inbound or earlier egress listener keeps its address:port
  const std::vector<InboundPort> inbound = inbound_ports(view);
  const bool capture = proxy.interception != Proxy::InterceptionMode::kNone;
  if (capture) {
    out.push_back(
        make_resource(std::string(names::kVirtualInbound), virtual_inbound(view, inbound)));
  } else {
    for (const auto& port : inbound) {
      Listener listener = inbound_listener(view, port);
      if (names.insert(listener.name()).second) {
        out.push_back(make_resource(listener.name(), listener));
      }
    }
  }
  for (const EgressBinding& binding : egress_bindings(view)) {
    for (const auto& [port, use] : ports_in_use(view, binding)) {
      Listener listener = base_listener(binding.address, port, binding.bind_to_port);
      if (!names.insert(listener.name()).second) continue;
      if (use.http) {
        add_http_manager(port, binding.address, &listener);
      } else {
        const std::string cluster = names::outbound_cluster(port, "", use.tcp_service->hostname);
        add_tcp_proxy(cluster, cluster, &listener);
      }
      out.push_back(make_resource(listener.name(), listener));
    }
  }
  if (capture) out.push_back(make_resource("virtualOutbound", virtual_outbound()));
  return finish(std::move(out));
}

}  // namespace jib::xds
