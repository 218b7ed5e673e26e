#include "xds/translate/inbound_listeners.h"

#include "envoy/extensions/filters/http/router/v3/router.pb.h"
#include "envoy/extensions/filters/listener/original_dst/v3/original_dst.pb.h"
#include "envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.pb.h"
#include "xds/translate/inbound_filters.h"
#include "xds/translate/names.h"
#include "xds/translate/protocol.h"
#include "xds/translate/tls_context.h"

namespace jib::xds {
namespace {

using envoy::config::listener::v3::FilterChain;
using envoy::config::listener::v3::Listener;
using envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;
using Mode = mesh::PeerAuthenticationMutualTLS::Mode;

constexpr std::string_view kTlsTransport = "tls";
constexpr std::string_view kPlaintextTransport = "raw_buffer";

void add_http_manager(const InboundPort& inbound, const InboundFilters& filters,
                      FilterChain* chain) {
  HttpConnectionManager manager;
  manager.set_stat_prefix("inbound_" + inbound.bind + "_" + std::to_string(inbound.port.number));
  // Istio's default path normalization (BASE): policies see /a/../b as /b.
  manager.mutable_normalize_path()->set_value(true);
  // Istio's sidecar inbound: keep what the caller's proxy forwarded and add this hop's peer.
  manager.set_forward_client_cert_details(HttpConnectionManager::APPEND_FORWARD);
  auto* details = manager.mutable_set_current_client_cert_details();
  details->mutable_subject()->set_value(true);
  details->set_dns(true);
  details->set_uri(true);
  auto* routes = manager.mutable_route_config();
  routes->set_name(inbound.cluster);
  auto* host = routes->add_virtual_hosts();
  host->set_name("inbound|" + inbound.port.name + "|" + std::to_string(inbound.port.number));
  host->add_domains("*");
  auto* route = host->add_routes();
  route->mutable_match()->set_prefix("/");
  route->mutable_route()->set_cluster(inbound.cluster);
  // No route timeout inbound: the caller's sidecar enforces the VirtualService's.
  route->mutable_route()->mutable_timeout();
  for (const auto& filter : filters.http) *manager.add_http_filters() = filter;
  auto* router = manager.add_http_filters();
  router->set_name("envoy.filters.http.router");
  router->mutable_typed_config()->PackFrom(envoy::extensions::filters::http::router::v3::Router());
  auto* filter = chain->add_filters();
  filter->set_name("envoy.filters.network.http_connection_manager");
  filter->mutable_typed_config()->PackFrom(manager);
}

void add_tcp_proxy(const InboundPort& inbound, const InboundFilters& filters, FilterChain* chain) {
  for (const auto& filter : filters.network) *chain->add_filters() = filter;
  envoy::extensions::filters::network::tcp_proxy::v3::TcpProxy proxy;
  proxy.set_stat_prefix(inbound.cluster);
  proxy.set_cluster(inbound.cluster);
  auto* filter = chain->add_filters();
  filter->set_name("envoy.filters.network.tcp_proxy");
  filter->mutable_typed_config()->PackFrom(proxy);
}

// The app's protocol on this chain: HTTP is parsed (and gets XFCC) only when the bytes are
// HTTP, i.e. not on a foreign TLS stream that the sidecar does not terminate.
void add_app_filters(const InboundPort& inbound, const InboundFilters& filters,
                     bool terminated_or_plain, FilterChain* chain) {
  if (is_http_protocol(inbound.port) && terminated_or_plain) {
    add_http_manager(inbound, filters, chain);
  } else {
    add_tcp_proxy(inbound, filters, chain);
  }
}

void add_mtls_chain(const InboundPort& inbound, const InboundFilters& filters,
                    bool require_mesh_alpn, Listener* listener) {
  FilterChain* chain = listener->add_filter_chains();
  chain->set_name(inbound.cluster + "-mtls");
  auto* match = chain->mutable_filter_chain_match();
  match->set_transport_protocol(std::string(kTlsTransport));
  if (require_mesh_alpn) {
    for (const auto& protocol : tls::mesh_alpn_all()) match->add_application_protocols(protocol);
  }
  const bool http = is_http_protocol(inbound.port);
  std::vector<std::string> alpn;
  if (http) alpn = {"h2", "http/1.1"};
  *chain->mutable_transport_socket() = tls::tls_socket(tls::istio_mutual_downstream(alpn));
  add_app_filters(inbound, filters, true, chain);
}

void add_plaintext_chain(const InboundPort& inbound, const InboundFilters& filters,
                         std::string_view transport, Listener* listener) {
  FilterChain* chain = listener->add_filter_chains();
  chain->set_name(inbound.cluster + (transport == kTlsTransport ? "-tls-passthrough" : ""));
  if (!transport.empty()) {
    chain->mutable_filter_chain_match()->set_transport_protocol(std::string(transport));
  }
  add_app_filters(inbound, filters, transport != kTlsTransport, chain);
}

void add_listener_filter(std::string_view name, const google::protobuf::Message& config,
                         Listener* listener) {
  auto* filter = listener->add_listener_filters();
  filter->set_name(std::string(name));
  filter->mutable_typed_config()->PackFrom(config);
}

// The chains of one port, by its mTLS mode. True when they tell TLS from plaintext, which
// needs the TLS inspector.
bool add_port_chains(const MeshView& view, const InboundPort& inbound,
                     const InboundFilters& filters, Listener* listener) {
  const Mode mode = view.inbound_mtls_mode(inbound.port.number);
  if (mode == Mode::kDisable) {
    add_plaintext_chain(inbound, filters, "", listener);
    return false;
  }
  if (mode == Mode::kStrict) {
    // Any TLS is answered with mesh mTLS, so a client without a mesh certificate fails the
    // handshake; a plaintext client matches no chain and is closed.
    add_mtls_chain(inbound, filters, false, listener);
    return true;
  }
  add_mtls_chain(inbound, filters, true, listener);
  add_plaintext_chain(inbound, filters, kPlaintextTransport, listener);
  add_plaintext_chain(inbound, filters, kTlsTransport, listener);
  return true;
}

Listener base_inbound(const std::string& name, const std::string& address, uint32_t port) {
  Listener listener;
  listener.set_name(name);
  auto* socket = listener.mutable_address()->mutable_socket_address();
  socket->set_address(address);
  socket->set_port_value(port);
  listener.set_traffic_direction(envoy::config::core::v3::INBOUND);
  return listener;
}

void add_passthrough_chain(std::string_view name, std::string_view cluster, FilterChain* chain) {
  chain->set_name(std::string(name));
  envoy::extensions::filters::network::tcp_proxy::v3::TcpProxy proxy;
  proxy.set_stat_prefix(std::string(cluster));
  proxy.set_cluster(std::string(cluster));
  auto* filter = chain->add_filters();
  filter->set_name("envoy.filters.network.tcp_proxy");
  filter->mutable_typed_config()->PackFrom(proxy);
}

}  // namespace

Listener inbound_listener(const MeshView& view, const InboundPort& inbound) {
  Listener listener = base_inbound(names::listener(inbound.bind, inbound.port.number), inbound.bind,
                                   inbound.port.number);
  if (add_port_chains(view, inbound, inbound_filters(view), &listener)) {
    add_listener_filter("envoy.filters.listener.tls_inspector",
                        envoy::extensions::filters::listener::tls_inspector::v3::TlsInspector(),
                        &listener);
  }
  return listener;
}

Listener virtual_inbound(const MeshView& view, const std::vector<InboundPort>& ports) {
  Listener listener =
      base_inbound(std::string(names::kVirtualInbound), "0.0.0.0", names::kVirtualInboundPort);
  listener.mutable_use_original_dst()->set_value(true);
  add_listener_filter("envoy.filters.listener.original_dst",
                      envoy::extensions::filters::listener::original_dst::v3::OriginalDst(),
                      &listener);
  add_listener_filter("envoy.filters.listener.tls_inspector",
                      envoy::extensions::filters::listener::tls_inspector::v3::TlsInspector(),
                      &listener);
  // Traffic sent to 15006 itself would loop through iptables.
  FilterChain* blackhole = listener.add_filter_chains();
  blackhole->mutable_filter_chain_match()->mutable_destination_port()->set_value(
      names::kVirtualInboundPort);
  add_passthrough_chain("virtualInbound-blackhole", names::kBlackHoleCluster, blackhole);
  const InboundFilters filters = inbound_filters(view);
  for (const InboundPort& inbound : ports) {
    int first = listener.filter_chains_size();
    add_port_chains(view, inbound, filters, &listener);
    for (int i = first; i < listener.filter_chains_size(); ++i) {
      listener.mutable_filter_chains(i)
          ->mutable_filter_chain_match()
          ->mutable_destination_port()
          ->set_value(inbound.port.number);
    }
  }
  add_passthrough_chain("virtualInbound-passthrough", names::kInboundPassthroughCluster,
                        listener.mutable_default_filter_chain());
  return listener;
}

}  // namespace jib::xds
