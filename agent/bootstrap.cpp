#include "agent/bootstrap.h"

#include <arpa/inet.h>

#include <charconv>

namespace jib::agent {
namespace {

using nlohmann::json;

constexpr const char* kTlsSocket = "envoy.transport_sockets.tls";
constexpr const char* kUpstreamTls =
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
constexpr const char* kHttpOptions = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

json http2_options() {
  return {{kHttpOptions,
           {{"@type", std::string("type.googleapis.com/") + kHttpOptions},
            {"explicit_http_config", {{"http2_protocol_options", json::object()}}}}}};
}

// Secrets come from the agent's socket; Envoy waits for them without a timeout (as Istio's
// bootstrap), since nothing works without the workload's certificate.
json sds_config() {
  return {{"api_config_source",
           {{"api_type", "GRPC"},
            {"transport_api_version", "V3"},
            {"set_node_on_first_message_only", true},
            {"grpc_services", json::array({{{"envoy_grpc", {{"cluster_name", "sds-grpc"}}}}})}}},
          {"resource_api_version", "V3"},
          {"initial_fetch_timeout", "0s"}};
}

json xds_tls_socket(const BootstrapOptions& o) {
  json validation = {
      {"default_validation_context",
       {{"match_typed_subject_alt_names",
         json::array({{{"san_type", "DNS"}, {"matcher", {{"exact", o.xds_server_name}}}}})}}},
      {"validation_context_sds_secret_config", {{"name", "ROOTCA"}, {"sds_config", sds_config()}}}};
  return {{"name", kTlsSocket},
          {"typed_config",
           {{"@type", kUpstreamTls},
            {"sni", o.xds_server_name},
            {"common_tls_context",
             {{"alpn_protocols", json::array({"h2"})},
              {"tls_params", {{"tls_minimum_protocol_version", "TLSv1_2"}}},
              // The workload certificate as client certificate: jibd can authenticate the
              // stream by it, also after the token in the bootstrap has expired.
              {"tls_certificate_sds_secret_configs",
               json::array({{{"name", "default"}, {"sds_config", sds_config()}}})},
              {"combined_validation_context", validation}}}}}};
}

json xds_cluster(const BootstrapOptions& o) {
  std::string host;
  int port = 0;
  split_host_port(o.xds_address, &host, &port);
  json cluster = {
      {"name", "xds-grpc"},
      // A name (istiod.istio-system.svc) is resolved; an address needs no DNS.
      {"type", is_ip_literal(host) ? "STATIC" : "STRICT_DNS"},
      {"connect_timeout", "1s"},
      {"load_assignment",
       {{"cluster_name", "xds-grpc"},
        {"endpoints",
         json::array({{{"lb_endpoints",
                        json::array({{{"endpoint",
                                       {{"address",
                                         {{"socket_address",
                                           {{"address", host}, {"port_value", port}}}}}}}}})}}})}}},
      {"typed_extension_protocol_options", http2_options()},
      {"upstream_connection_options", {{"tcp_keepalive", {{"keepalive_time", 300}}}}}};
  if (!o.xds_plaintext) cluster["transport_socket"] = xds_tls_socket(o);
  return cluster;
}

json sds_cluster(const BootstrapOptions& o) {
  return {{"name", "sds-grpc"},
          {"type", "STATIC"},
          {"connect_timeout", "1s"},
          {"load_assignment",
           {{"cluster_name", "sds-grpc"},
            {"endpoints",
             json::array(
                 {{{"lb_endpoints",
                    json::array({{{"endpoint",
                                   {{"address", {{"pipe", {{"path", o.sds_socket}}}}}}}}})}}})}}},
          {"typed_extension_protocol_options", http2_options()}};
}

json node(const BootstrapOptions& o) {
  json labels = json::object();
  for (const auto& [k, v] : o.labels) labels[k] = v;
  std::string workload = workload_name(o);
  // Istio's service cluster: the app label (else the workload) and the namespace.
  auto app = o.labels.find("app");
  std::string cluster = (app != o.labels.end() ? app->second : workload) + "." + o.pod_namespace;
  return {{"id", node_id(o)},
          {"cluster", cluster},
          {"metadata",
           {{"NAME", o.pod_name},
            {"NAMESPACE", o.pod_namespace},
            {"SERVICE_ACCOUNT", o.service_account},
            {"LABELS", labels},
            {"INTERCEPTION_MODE", o.interception_mode},
            {"CLUSTER_ID", o.cluster_id},
            {"ISTIO_VERSION", o.istio_version},
            {"WORKLOAD_NAME", workload},
            {"INSTANCE_IPS", o.pod_ip},
            {"MESH_ID", o.trust_domain}}}};
}

}  // namespace

std::string node_id(const BootstrapOptions& o) {
  return o.proxy_type + "~" + o.pod_ip + "~" + o.pod_name + "." + o.pod_namespace + "~" +
         o.pod_namespace + ".svc.cluster.local";
}

std::string workload_name(const BootstrapOptions& o) {
  if (!o.workload_name.empty()) return o.workload_name;
  auto dash = o.pod_name.rfind('-');
  return dash == std::string::npos || dash == 0 ? o.pod_name : o.pod_name.substr(0, dash);
}

json make_bootstrap(const BootstrapOptions& o) {
  json ads_service = {{"envoy_grpc", {{"cluster_name", "xds-grpc"}}}};
  if (!o.xds_token.empty()) {
    // Envoy 1.36 reads call credentials from a file only with google_grpc; envoy_grpc (used
    // here, so that TLS comes from SDS and follows root rotation) takes static metadata.
    ads_service["initial_metadata"] =
        json::array({{{"key", "authorization"}, {"value", "Bearer " + o.xds_token}}});
  }
  json ads = {{"ads", json::object()}, {"resource_api_version", "V3"}};
  return {{"node", node(o)},
          {"dynamic_resources",
           {{"ads_config",
             {{"api_type", "GRPC"},
              {"transport_api_version", "V3"},
              {"set_node_on_first_message_only", true},
              {"grpc_services", json::array({ads_service})}}},
            {"cds_config", ads},
            {"lds_config", ads}}},
          {"static_resources", {{"clusters", json::array({xds_cluster(o), sds_cluster(o)})}}},
          {"admin",
           {{"address",
             {{"socket_address", {{"address", "127.0.0.1"}, {"port_value", o.admin_port}}}}}}}};
}

bool split_host_port(const std::string& address, std::string* host, int* port) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = address.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  const char* begin = address.data() + colon + 1;
  const char* end = address.data() + address.size();
  auto [p, ec] = std::from_chars(begin, end, *port);
  return ec == std::errc() && p == end && *port > 0 && *port < 65536;
}

}  // namespace jib::agent
