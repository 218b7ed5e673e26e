#include "test/unit/mesh/api/field_coverage_table.h"

namespace jib::mesh::coverage {
namespace {

// Every kind: the store keys objects by kind, namespace and name (config_object.h), and the kind
// registry picks the decoder by apiVersion and kind.
std::vector<std::string> with_common(std::vector<std::string> applied) {
  applied.insert(applied.end(), {"apiVersion", "kind", "metadata.name", "metadata.namespace"});
  return applied;
}

// Paths of the same fields under several prefixes.
std::vector<std::string> under(const std::string& prefix, const std::vector<std::string>& fields) {
  std::vector<std::string> out;
  for (const auto& f : fields) out.push_back(prefix + f);
  return out;
}

std::vector<std::string> join(std::vector<std::vector<std::string>> groups) {
  std::vector<std::string> out;
  for (auto& g : groups) out.insert(out.end(), g.begin(), g.end());
  return out;
}

const std::vector<std::string> kHeaderOps = {"request.set",  "request.add",  "request.remove",
                                             "response.set", "response.add", "response.remove"};
const std::vector<std::string> kHeaderMaps = {"request.set", "request.add", "response.set",
                                              "response.add"};

KindCoverage virtual_service() {
  return {
      "VirtualService",
      {"virtual_service.yaml"},
      {"decode_virtual_service.cpp", "decode_http_route.cpp", "yaml_decoder.cpp"},
      join({{"spec.http[].match[].headers", "spec.http[].match[].queryParams",
             "spec.http[].match[].withoutHeaders", "spec.http[].match[].sourceLabels",
             "spec.tls[].match[].sourceLabels", "spec.tcp[].match[].sourceLabels"},
            under("spec.http[].headers.", kHeaderMaps),
            under("spec.http[].route[].headers.", kHeaderMaps)}),
      with_common(join({
          // mesh/model/networking_index.cpp: which VirtualService serves a host, where, to whom.
          {"spec.hosts", "spec.gateways", "spec.exportTo"},
          // xds/translate/http_route_translation.cpp translate_match(): the Envoy route match.
          under("spec.http[].match[].",
                {"uri.exact", "uri.prefix", "uri.regex", "scheme.prefix", "method.regex",
                 "authority.exact", "headers", "queryParams", "withoutHeaders", "ignoreUriCase"}),
          // http_route_translation.cpp applies(): the match clauses this proxy and port keep.
          under("spec.http[].match[].", {"port", "sourceLabels", "gateways", "sourceNamespace"}),
          // http_route_translation.cpp translate_action(): forward, redirect or direct response.
          under("spec.http[].", {"name",
                                 "route[].destination.host",
                                 "route[].destination.subset",
                                 "route[].destination.port.number",
                                 "route[].weight",
                                 "timeout",
                                 "retries.attempts",
                                 "retries.perTryTimeout",
                                 "retries.retryOn",
                                 "rewrite.uri",
                                 "rewrite.authority",
                                 "rewrite.uriRegexRewrite.match",
                                 "rewrite.uriRegexRewrite.rewrite",
                                 "redirect.uri",
                                 "redirect.authority",
                                 "redirect.port",
                                 "redirect.scheme",
                                 "redirect.redirectCode",
                                 "directResponse.status",
                                 "directResponse.body.string",
                                 "directResponse.body.bytes"}),
          // http_route_translation.cpp apply_headers(): per route and per destination.
          under("spec.http[].headers.", kHeaderOps),
          under("spec.http[].route[].headers.", kHeaderOps),
      })),
      {},
      // validate_http_route.cpp: Envoy has no exponential delay nor HTTP/2 error abort.
      {"spec.http[].fault.delay.exponentialDelay", "spec.http[].fault.abort.http2Error"},
  };
}

KindCoverage destination_rule() {
  const std::string top = "spec.trafficPolicy.";
  const std::string port = top + "portLevelSettings[].";
  const std::string subset = "spec.subsets[].trafficPolicy.";
  std::vector<CoveredByValue> covered;
  for (const char* field :
       {"clientCertificate", "privateKey", "caCertificates", "caCrl", "insecureSkipVerify"}) {
    covered.push_back({port + "tls." + field, port + "tls.mode"});
  }
  covered.push_back({subset + "tls.credentialName", subset + "tls.mode"});
  return {
      "DestinationRule",
      {"destination_rule.yaml"},
      {"decode_destination_rule.cpp"},
      {"spec.workloadSelector.matchLabels", "spec.subsets[].labels",
       top + "loadBalancer.localityLbSetting.distribute[].to"},
      with_common(join({
          // mesh/model/networking_index.cpp destination_rule(): the rule for a host and proxy.
          {"spec.host", "spec.exportTo", "spec.workloadSelector.matchLabels"},
          // xds/translate/cluster_generator.cpp, endpoint_generator.cpp: subset clusters and
          // their endpoints (mesh_view.cpp endpoints()).
          {"spec.subsets[].name", "spec.subsets[].labels"},
          // cluster_generator.cpp apply_load_balancer().
          {top + "loadBalancer.simple"},
          // xds/translate/upstream_tls.cpp: ISTIO_MUTUAL or DISABLE, per port and subset.
          {top + "tls.mode", top + "tls.sni", top + "tls.subjectAltNames", port + "port.number",
           port + "tls.mode", port + "tls.sni", port + "tls.subjectAltNames", subset + "tls.mode",
           subset + "portLevelSettings[].port.number"},
      })),
      covered,
  };
}

KindCoverage service_entry() {
  return {
      "ServiceEntry",
      {"service_entry.yaml"},
      {"decode_service_entry.cpp"},
      {"spec.endpoints[].ports", "spec.endpoints[].labels", "spec.workloadSelector.labels"},
      with_common(join({
          // mesh/model/snapshot.cpp: one service per host, its endpoints, who sees it.
          {"spec.hosts", "spec.exportTo", "spec.resolution", "spec.workloadSelector.labels",
           "spec.endpoints[].address", "spec.endpoints[].labels"},
          // xds/translate cluster, endpoint and listener generators: ports and protocols
          // (protocol.h), the endpoint port by name or targetPort (mesh/model/service.cpp).
          {"spec.ports[].number", "spec.ports[].name", "spec.ports[].protocol",
           "spec.ports[].targetPort", "spec.endpoints[].ports"},
          // endpoint_generator.cpp: locality and weight of each endpoint.
          {"spec.endpoints[].locality", "spec.endpoints[].weight"},
          // upstream_tls.cpp: no auto mTLS to MESH_EXTERNAL; identities from service accounts.
          {"spec.location", "spec.endpoints[].serviceAccount"},
      })),
      {},
  };
}

KindCoverage sidecar() {
  return {
      "Sidecar",
      {"sidecar.yaml"},
      {"decode_sidecar.cpp"},
      {"spec.workloadSelector.labels"},
      with_common(join({
          // mesh/model/networking_index.cpp sidecar_for(): which proxies it configures.
          {"spec.workloadSelector.labels"},
          // xds/translate/inbound_ports.cpp, inbound_listeners.cpp: inbound listeners and the
          // app endpoint (the port name names the inbound virtual host).
          under("spec.ingress[].",
                {"port.number", "port.protocol", "port.name", "bind", "defaultEndpoint"}),
          // listener_generator.cpp egress_bindings()/ports_in_use(), mesh_view.cpp
          // egress_imports(): outbound listeners and the services they import.
          under("spec.egress[].", {"port.number", "bind", "hosts"}),
          // Validation only (validate_sidecar.cpp: a DNS-1123 label); a label, not behaviour.
          {"spec.egress[].port.name"},
      })),
      {},
  };
}

KindCoverage workload_entry() {
  return {
      "WorkloadEntry",
      {"workload_entry.yaml"},
      {"decode_workload_entry.cpp"},
      {"spec.ports", "spec.labels"},
      // mesh/model/snapshot.cpp add_workload_entries(): an endpoint of the ServiceEntries that
      // select it, read by the generators as ServiceEntry endpoints are.
      with_common(
          under("spec.", {"address", "ports", "labels", "locality", "weight", "serviceAccount"})),
      {},
  };
}

// The scope shared by the policy kinds: mesh/model/policy_index.cpp applies().
std::vector<std::string> policy_scope() {
  return {"spec.selector.matchLabels", "spec.targetRef.group",    "spec.targetRef.kind",
          "spec.targetRef.name",       "spec.targetRefs[].group", "spec.targetRefs[].kind",
          "spec.targetRefs[].name"};
}

KindCoverage request_authentication() {
  return {
      "RequestAuthentication",
      {"request_authentication.yaml"},
      {"decode_request_authentication.cpp", "decode_policy_target.cpp"},
      {"spec.selector.matchLabels"},
      with_common(join({
          policy_scope(),
          // xds/translate/authn/jwt_authn_config.cpp: one JWT provider per rule.
          under("spec.jwtRules[].",
                {"issuer", "audiences", "jwksUri", "jwks", "fromHeaders[].name",
                 "fromHeaders[].prefix", "fromParams", "fromCookies", "outputPayloadToHeader",
                 "forwardOriginalToken", "outputClaimToHeaders[].header",
                 "outputClaimToHeaders[].claim"}),
          // mesh/config/jwks_fetcher.cpp: how long fetching its keys may take.
          {"spec.jwtRules[].timeout"},
      })),
      {},
      // validate_policy_target.cpp: references never cross namespaces.
      {"spec.targetRef.namespace"},
  };
}

KindCoverage authorization_policy() {
  return {
      "AuthorizationPolicy",
      {"authorization_policy.yaml"},
      {"decode_authorization_policy.cpp", "decode_policy_target.cpp"},
      {"spec.selector.matchLabels"},
      with_common(join({
          policy_scope(),
          // xds/translate/authz/rbac_builder.cpp: RBAC policies by action; ext_authz_filter.cpp
          // the CUSTOM provider.
          {"spec.action", "spec.provider.name"},
          under("spec.rules[].from[].source.",
                {"principals", "notPrincipals", "requestPrincipals", "notRequestPrincipals",
                 "namespaces", "notNamespaces", "ipBlocks", "notIpBlocks", "remoteIpBlocks",
                 "notRemoteIpBlocks", "serviceAccounts", "notServiceAccounts"}),
          under("spec.rules[].to[].operation.", {"hosts", "notHosts", "ports", "notPorts",
                                                 "methods", "notMethods", "paths", "notPaths"}),
          under("spec.rules[].when[].", {"key", "values", "notValues"}),
      })),
      {},
      // validate_policy_target.cpp: references never cross namespaces.
      {"spec.targetRef.namespace"},
  };
}

// Kinds whose every field is unapplied (a whole-kind row): only their maps need naming.
KindCoverage unapplied_kind(std::string kind, std::string fixture,
                            std::vector<std::string> decoders, std::vector<std::string> maps) {
  return {std::move(kind), {std::move(fixture)}, std::move(decoders),
          std::move(maps), with_common({}),      {}};
}

KindCoverage mesh_config() {
  const std::string http = "extensionProviders[].envoyExtAuthzHttp.";
  const std::string grpc = "extensionProviders[].envoyExtAuthzGrpc.";
  return {
      "MeshConfig",
      {"mesh_config.yaml", "mesh_config_datadog.yaml"},
      {"mesh_config_decode.cpp"},
      {"defaultConfig.proxyMetadata", http + "includeAdditionalHeadersInCheck",
       "extensionProviders[].envoyOtelAls.logFormat.labels", "discoverySelectors[].matchLabels"},
      join({
          // mesh/model/snapshot.cpp, policy_index.cpp: the root namespace of policies and rules.
          {"rootNamespace"},
          // xds/translate/upstream_tls.cpp, tls_context.cpp: SPIFFE identities; auto mTLS.
          {"trustDomain", "enableAutoMtls"},
          // xds/translate/authz/ext_authz_filter.cpp: the providers of CUSTOM policies.
          {"extensionProviders[].name"},
          under(http, {"service", "port", "timeout", "pathPrefix", "failOpen", "statusOnError",
                       "includeRequestHeadersInCheck", "includeAdditionalHeadersInCheck",
                       "includeRequestBodyInCheck.maxRequestBytes",
                       "includeRequestBodyInCheck.allowPartialMessage",
                       "includeRequestBodyInCheck.packAsBytes", "headersToUpstreamOnAllow",
                       "headersToDownstreamOnDeny", "headersToDownstreamOnAllow"}),
          under(grpc, {"service", "port", "timeout", "failOpen", "statusOnError",
                       "includeRequestBodyInCheck.maxRequestBytes"}),
      }),
      {},
  };
}

}  // namespace

const std::vector<KindCoverage>& kind_coverage() {
  static const std::vector<KindCoverage> table = {
      virtual_service(),
      destination_rule(),
      unapplied_kind("Gateway", "gateway.yaml", {"decode_gateway.cpp"}, {"spec.selector"}),
      service_entry(),
      sidecar(),
      workload_entry(),
      unapplied_kind("WorkloadGroup", "workload_group.yaml", {"decode_workload_group.cpp"},
                     {"spec.metadata.labels", "spec.metadata.annotations", "spec.template.ports",
                      "spec.template.labels"}),
      {"PeerAuthentication",
       {"peer_authentication.yaml"},
       {"decode_peer_authentication.cpp"},
       {"spec.selector.matchLabels", "spec.portLevelMtls"},
       // mesh/model/policy_index.cpp peer_authentication(): the inbound mTLS mode per port.
       with_common({"spec.selector.matchLabels", "spec.mtls.mode", "spec.portLevelMtls"}),
       {}},
      request_authentication(),
      authorization_policy(),
      unapplied_kind("Telemetry", "telemetry.yaml",
                     {"decode_telemetry.cpp", "decode_policy_target.cpp"},
                     {"spec.selector.matchLabels", "spec.tracing[].customTags",
                      "spec.metrics[].overrides[].tagOverrides"}),
      unapplied_kind("WasmPlugin", "wasm_plugin.yaml",
                     {"decode_wasm_plugin.cpp", "decode_policy_target.cpp"},
                     {"spec.selector.matchLabels"}),
      mesh_config(),
  };
  return table;
}

const std::vector<std::pair<std::string, std::string>>& field_aliases() {
  static const std::vector<std::pair<std::string, std::string>> aliases = {
      {"mirror_percent", "mirrorPercent"},                        // decode_http_route.cpp
      {"jwks_uri", "jwksUri"},                                    // decode_request_authentication
      {"includeHeadersInCheck", "includeRequestHeadersInCheck"},  // mesh_config_decode.cpp
  };
  return aliases;
}

}  // namespace jib::mesh::coverage
