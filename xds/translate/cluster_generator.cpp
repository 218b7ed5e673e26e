// CDS: one cluster per service port, and one per DestinationRule subset, in Istio's shapes;
// and one inbound cluster per inbound port, to the app.
#include <google/protobuf/util/time_util.h>

#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "envoy/extensions/upstreams/http/v3/http_protocol_options.pb.h"
#include "xds/translate/generators.h"
#include "xds/translate/inbound_ports.h"
#include "xds/translate/mesh_view.h"
#include "xds/translate/names.h"
#include "xds/translate/protocol.h"
#include "xds/translate/upstream_tls.h"

namespace jib::xds {
namespace {

using envoy::config::cluster::v3::Cluster;
using google::protobuf::util::TimeUtil;
using mesh::ServiceEntry;

constexpr int64_t kConnectTimeoutSeconds = 10;

// Field-wise merge as Istio does: a subset's policy overrides the rule's, field by field.
mesh::TrafficPolicy effective_policy(const mesh::DestinationRule* rule,
                                     const mesh::Subset* subset) {
  mesh::TrafficPolicy out;
  if (rule && rule->traffic_policy) out = *rule->traffic_policy;
  if (subset && subset->traffic_policy) {
    if (subset->traffic_policy->load_balancer)
      out.load_balancer = subset->traffic_policy->load_balancer;
    if (subset->traffic_policy->tls) out.tls = subset->traffic_policy->tls;
  }
  return out;
}

void apply_load_balancer(const mesh::TrafficPolicy& policy, Cluster* cluster) {
  // Istio's default is LEAST_REQUEST.
  cluster->set_lb_policy(Cluster::LEAST_REQUEST);
  if (!policy.load_balancer) return;
  using Simple = mesh::LoadBalancerSettings::Simple;
  switch (policy.load_balancer->simple) {
    case Simple::kRoundRobin:
      cluster->set_lb_policy(Cluster::ROUND_ROBIN);
      break;
    case Simple::kRandom:
      cluster->set_lb_policy(Cluster::RANDOM);
      break;
    case Simple::kPassthrough:
      cluster->set_type(Cluster::ORIGINAL_DST);
      cluster->set_lb_policy(Cluster::CLUSTER_PROVIDED);
      cluster->clear_eds_cluster_config();
      break;
    case Simple::kLeastRequest:
    case Simple::kLeastConn:
    case Simple::kUnspecified:
      break;
  }
}

void set_http2(Cluster* cluster) {
  envoy::extensions::upstreams::http::v3::HttpProtocolOptions options;
  options.mutable_explicit_http_config()->mutable_http2_protocol_options();
  (*cluster->mutable_typed_extension_protocol_options())
      ["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]
          .PackFrom(options);
}

void set_dns_endpoints(const mesh::Service& service, const mesh::ServicePort& port,
                       Cluster* cluster) {
  auto* assignment = cluster->mutable_load_assignment();
  assignment->set_cluster_name(cluster->name());
  auto* locality = assignment->add_endpoints();
  auto add = [&](const std::string& address, uint32_t number) {
    auto* socket = locality->add_lb_endpoints()
                       ->mutable_endpoint()
                       ->mutable_address()
                       ->mutable_socket_address();
    socket->set_address(address);
    socket->set_port_value(number);
  };
  if (service.endpoints.empty()) {
    add(service.hostname, port.target_port ? port.target_port : port.number);
  }
  for (const auto& endpoint : service.endpoints) add(endpoint.address, endpoint.port_for(port));
}

Cluster make_cluster(const MeshView& view, const mesh::Service& service,
                     const mesh::ServicePort& port, const mesh::DestinationRule* rule,
                     const mesh::Subset* subset) {
  Cluster cluster;
  cluster.set_name(
      names::outbound_cluster(port.number, subset ? subset->name : "", service.hostname));
  *cluster.mutable_connect_timeout() = TimeUtil::SecondsToDuration(kConnectTimeoutSeconds);
  switch (service.resolution) {
    case ServiceEntry::Resolution::kStatic: {
      cluster.set_type(Cluster::EDS);
      auto* eds = cluster.mutable_eds_cluster_config();
      eds->set_service_name(cluster.name());
      eds->mutable_eds_config()->mutable_ads();
      eds->mutable_eds_config()->set_resource_api_version(envoy::config::core::v3::V3);
      break;
    }
    case ServiceEntry::Resolution::kDns:
      cluster.set_type(Cluster::STRICT_DNS);
      set_dns_endpoints(service, port, &cluster);
      break;
    case ServiceEntry::Resolution::kDnsRoundRobin:
      cluster.set_type(Cluster::LOGICAL_DNS);
      set_dns_endpoints(service, port, &cluster);
      break;
    case ServiceEntry::Resolution::kNone:
      cluster.set_type(Cluster::ORIGINAL_DST);
      break;
  }
  if (cluster.type() == Cluster::ORIGINAL_DST) {
    cluster.set_lb_policy(Cluster::CLUSTER_PROVIDED);
  } else {
    apply_load_balancer(effective_policy(rule, subset), &cluster);
  }
  if (is_http2_protocol(port)) set_http2(&cluster);
  apply_upstream_tls(view, service, port, rule, subset, &cluster);
  return cluster;
}

// With capture the app is reached at the original destination, from 127.0.0.6 so that
// iptables does not send the connection back to the sidecar.
Cluster original_destination(const std::string& name) {
  Cluster cluster;
  cluster.set_name(name);
  cluster.set_type(Cluster::ORIGINAL_DST);
  cluster.set_lb_policy(Cluster::CLUSTER_PROVIDED);
  *cluster.mutable_connect_timeout() = TimeUtil::SecondsToDuration(kConnectTimeoutSeconds);
  cluster.mutable_upstream_bind_config()->mutable_source_address()->set_address(
      std::string(names::kInboundSourceAddress));
  cluster.mutable_upstream_bind_config()->mutable_source_address()->set_port_value(0);
  return cluster;
}

Cluster inbound_cluster(const InboundPort& inbound) {
  if (inbound.endpoint_host.empty()) {
    Cluster cluster = original_destination(inbound.cluster);
    if (is_http2_protocol(inbound.port)) set_http2(&cluster);
    return cluster;
  }
  Cluster cluster;
  cluster.set_name(inbound.cluster);
  cluster.set_type(Cluster::STATIC);
  *cluster.mutable_connect_timeout() = TimeUtil::SecondsToDuration(kConnectTimeoutSeconds);
  auto* assignment = cluster.mutable_load_assignment();
  assignment->set_cluster_name(inbound.cluster);
  auto* socket = assignment->add_endpoints()
                     ->add_lb_endpoints()
                     ->mutable_endpoint()
                     ->mutable_address()
                     ->mutable_socket_address();
  socket->set_address(inbound.endpoint_host);
  socket->set_port_value(inbound.endpoint_port);
  if (is_http2_protocol(inbound.port)) set_http2(&cluster);
  return cluster;
}

Cluster black_hole() {
  Cluster cluster;
  cluster.set_name(std::string(names::kBlackHoleCluster));
  cluster.set_type(Cluster::STATIC);
  *cluster.mutable_connect_timeout() = TimeUtil::SecondsToDuration(kConnectTimeoutSeconds);
  return cluster;
}

Cluster passthrough() {
  Cluster cluster;
  cluster.set_name(std::string(names::kPassthroughCluster));
  cluster.set_type(Cluster::ORIGINAL_DST);
  cluster.set_lb_policy(Cluster::CLUSTER_PROVIDED);
  *cluster.mutable_connect_timeout() = TimeUtil::SecondsToDuration(kConnectTimeoutSeconds);
  return cluster;
}

}  // namespace

ResourcesPtr generate_clusters(const mesh::Snapshot& snapshot, const Proxy& proxy) {
  Resources out;
  out.push_back(make_resource(std::string(names::kBlackHoleCluster), black_hole()));
  out.push_back(make_resource(std::string(names::kPassthroughCluster), passthrough()));
  MeshView view(snapshot, proxy);
  for (const mesh::Service* visible : view.services()) {
    const mesh::Service& service = *visible;
    const mesh::DestinationRule* rule = view.destination_rule(service);
    for (const auto& port : service.ports) {
      Cluster base = make_cluster(view, service, port, rule, nullptr);
      out.push_back(make_resource(base.name(), base));
      if (!rule) continue;
      for (const auto& subset : rule->subsets) {
        Cluster sub = make_cluster(view, service, port, rule, &subset);
        out.push_back(make_resource(sub.name(), sub));
      }
    }
  }
  for (const auto& inbound : inbound_ports(view)) {
    out.push_back(make_resource(inbound.cluster, inbound_cluster(inbound)));
  }
  if (proxy.type == Proxy::Type::kSidecar && proxy.interception != Proxy::InterceptionMode::kNone) {
    out.push_back(
        make_resource(std::string(names::kInboundPassthroughCluster),
                      original_destination(std::string(names::kInboundPassthroughCluster))));
  }
  return finish(std::move(out));
}

}  // namespace jib::xds
