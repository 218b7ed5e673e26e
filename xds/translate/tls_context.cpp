#include "xds/translate/tls_context.h"

#include "envoy/extensions/transport_sockets/raw_buffer/v3/raw_buffer.pb.h"

namespace jib::xds::tls {
namespace {

using envoy::extensions::transport_sockets::tls::v3::CommonTlsContext;
using envoy::extensions::transport_sockets::tls::v3::SdsSecretConfig;
using envoy::extensions::transport_sockets::tls::v3::TlsParameters;

void set_sds(std::string_view name, SdsSecretConfig* config) {
  config->set_name(std::string(name));
  auto* source = config->mutable_sds_config();
  source->set_resource_api_version(envoy::config::core::v3::V3);
  // Zero: a listener or cluster waits for its secrets instead of warming up without them.
  source->mutable_initial_fetch_timeout();
  auto* api = source->mutable_api_config_source();
  api->set_api_type(envoy::config::core::v3::ApiConfigSource::GRPC);
  api->set_transport_api_version(envoy::config::core::v3::V3);
  api->set_set_node_on_first_message_only(true);
  api->add_grpc_services()->mutable_envoy_grpc()->set_cluster_name(std::string(kSdsCluster));
}

// The parts both sides share: own certificate from `default`, roots from `ROOTCA`, and only
// SPIFFE URI SANs accepted unless the caller lists exact ones.
void set_mesh_common(const std::vector<std::string>& subject_alt_names,
                     const std::vector<std::string>& alpn, CommonTlsContext* common) {
  common->mutable_tls_params()->set_tls_minimum_protocol_version(TlsParameters::TLSv1_2);
  set_sds(kWorkloadSecret, common->add_tls_certificate_sds_secret_configs());
  auto* combined = common->mutable_combined_validation_context();
  set_sds(kRootSecret, combined->mutable_validation_context_sds_secret_config());
  auto* defaults = combined->mutable_default_validation_context();
  if (subject_alt_names.empty()) {
    auto* san = defaults->add_match_typed_subject_alt_names();
    san->set_san_type(envoy::extensions::transport_sockets::tls::v3::SubjectAltNameMatcher::URI);
    san->mutable_matcher()->set_prefix("spiffe://");
  }
  for (const auto& name : subject_alt_names) {
    auto* san = defaults->add_match_typed_subject_alt_names();
    san->set_san_type(envoy::extensions::transport_sockets::tls::v3::SubjectAltNameMatcher::URI);
    san->mutable_matcher()->set_exact(name);
  }
  for (const auto& protocol : alpn) common->add_alpn_protocols(protocol);
}

}  // namespace

std::vector<std::string> mesh_alpn_http(bool http2) {
  if (http2) return {"istio-h2", "istio"};
  return {"istio-http/1.1", "istio"};
}

std::vector<std::string> mesh_alpn_tcp() { return {"istio-peer-exchange", "istio"}; }

std::vector<std::string> mesh_alpn_all() {
  return {"istio-peer-exchange", "istio", "istio-http/1.0", "istio-http/1.1", "istio-h2"};
}

std::string spiffe_id(std::string_view trust_domain, std::string_view ns, std::string_view sa) {
  std::string id = "spiffe://";
  id.append(trust_domain).append("/ns/").append(ns).append("/sa/").append(sa);
  return id;
}

UpstreamTlsContext istio_mutual_upstream(const std::vector<std::string>& subject_alt_names,
                                         const std::vector<std::string>& alpn,
                                         const std::string& sni) {
  UpstreamTlsContext context;
  set_mesh_common(subject_alt_names, alpn, context.mutable_common_tls_context());
  if (!sni.empty()) context.set_sni(sni);
  return context;
}

DownstreamTlsContext istio_mutual_downstream(const std::vector<std::string>& alpn) {
  DownstreamTlsContext context;
  context.mutable_require_client_certificate()->set_value(true);
  set_mesh_common({}, alpn, context.mutable_common_tls_context());
  return context;
}

envoy::config::core::v3::TransportSocket tls_socket(const google::protobuf::Message& context) {
  envoy::config::core::v3::TransportSocket socket;
  socket.set_name(std::string(kTlsSocketName));
  socket.mutable_typed_config()->PackFrom(context);
  return socket;
}

envoy::config::core::v3::TransportSocket raw_buffer_socket() {
  envoy::config::core::v3::TransportSocket socket;
  socket.set_name(std::string(kRawBufferSocketName));
  socket.mutable_typed_config()->PackFrom(
      envoy::extensions::transport_sockets::raw_buffer::v3::RawBuffer());
  return socket;
}

}  // namespace jib::xds::tls
