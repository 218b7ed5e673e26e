// RDS: one route configuration per outbound HTTP port, one virtual host per service on it.
#include <map>
#include <set>

#include "envoy/config/route/v3/route.pb.h"
#include "xds/translate/generators.h"
#include "xds/translate/http_route_translation.h"
#include "xds/translate/mesh_view.h"
#include "xds/translate/names.h"
#include "xds/translate/protocol.h"

namespace jib::xds {
namespace {

namespace route = envoy::config::route::v3;

void add_virtual_host(const RouteContext& context, const mesh::Service& service,
                      std::set<std::string>* used_domains, route::RouteConfiguration* config) {
  route::VirtualHost host;
  host.set_name(names::virtual_host(service.hostname, context.port));
  // Envoy rejects a route configuration in which two virtual hosts share a domain.
  const std::string with_port = names::virtual_host(service.hostname, context.port);
  for (const std::string* domain : {&service.hostname, &with_port}) {
    if (used_domains->insert(*domain).second) host.add_domains(*domain);
  }
  if (host.domains().empty()) return;
  // mesh/ picks the VirtualService in force: the oldest one for a host wins, as in Istio.
  const mesh::VirtualService* virtual_service = context.view.virtual_service(service.hostname);
  if (!virtual_service) {
    *host.add_routes() = default_route(names::outbound_cluster(context.port, "", service.hostname));
  } else {
    for (const auto& http : virtual_service->http) {
      // Delegate VirtualServices are not merged in yet. The route has no destinations of its
      // own, and Envoy refuses a route without clusters, so it is left out.
      if (http.delegate) continue;
      for (auto& r : translate_http_route(context, http)) *host.add_routes() = std::move(r);
    }
  }
  *config->add_virtual_hosts() = std::move(host);
}

// With traffic capture, unknown hosts pass through to where the app was going (ALLOW_ANY).
void add_allow_any(route::RouteConfiguration* config) {
  auto* host = config->add_virtual_hosts();
  host->set_name("allow_any");
  *host->add_domains() = std::string(1, '*');
  auto* r = host->add_routes();
  r->set_name("allow_any");
  r->mutable_match()->set_prefix("/");
  r->mutable_route()->set_cluster(std::string(names::kPassthroughCluster));
}

}  // namespace

ResourcesPtr generate_routes(const mesh::Snapshot& snapshot, const Proxy& proxy) {
  Resources out;
  if (proxy.type != Proxy::Type::kSidecar) return finish(std::move(out));
  std::map<uint32_t, std::vector<const mesh::Service*>> services_by_port;
  MeshView view(snapshot, proxy);
  for (const mesh::Service* service : view.services()) {
    for (const auto& port : service->ports) {
      if (is_http_protocol(port)) services_by_port[port.number].push_back(service);
    }
  }
  for (const auto& [port, services] : services_by_port) {
    route::RouteConfiguration config;
    config.set_name(names::outbound_route(port));
    config.mutable_validate_clusters()->set_value(false);
    RouteContext context{view, proxy, port};
    std::set<std::string> used_domains;
    for (const mesh::Service* service : services) {
      add_virtual_host(context, *service, &used_domains, &config);
    }
    if (proxy.interception != Proxy::InterceptionMode::kNone) add_allow_any(&config);
    out.push_back(make_resource(config.name(), config));
  }
  return finish(std::move(out));
}

}  // namespace jib::xds
