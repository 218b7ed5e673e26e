#include "cmd/jibd/options.h"

#include <cstdlib>
#include <limits>

#include "base/flags.h"
#include "ca/ca_flags.h"
#include "xds/serve/credentials_allow_list.h"

namespace jib::jibd {
namespace {

constexpr const char* kUsageHead = R"(usage: jibd --config-dir DIR [flags]
       jibd --kubeconfig PATH [flags]
The control plane: serves Istio config to Envoy over xDS (plaintext and TLS), runs the mesh
CA, and reports on /ready, /metrics and /debug/*.
)";

flags::FlagSet jibd_flags(Options* o, ca::CaServerOptions* ca) {
  flags::FlagSet set(kUsageHead);
  const auto ms = std::chrono::milliseconds(1);
  set.add({.name = "config-dir",
           .target = &o->config_dir,
           .help = "directory of Istio YAML to serve (watched for changes)",
           .value_name = "DIR"})
      .add({.name = "config-file-max-bytes",
            .target = &o->config_file_max_bytes,
            .help = "larger files in --config-dir (and --mesh-config) are refused, the last good "
                    "version of their objects kept",
            .min = 1024,
            .max = std::numeric_limits<int>::max()})
      .add({.name = "bind",
            .target = &o->bind,
            .help = "address to listen on",
            .value_name = "ADDR"})
      .add({.name = "mesh-config",
            .target = &o->mesh_config_file,
            .help = "MeshConfig, YAML or JSON (trustDomain, rootNamespace, enableAutoMtls, ...); "
                    "Istio's defaults for what it leaves out. Without it, the `mesh` key of the "
                    "istio ConfigMap in the control plane namespace, re-read when it changes",
            .value_name = "FILE"})
      .add({.name = "xds-port",
            .target = &o->xds_port,
            .help = "plaintext ADS gRPC port; 0 picks a free port"})
      .add({.name = "xds-max-streams",
            .target = &o->xds_max_streams,
            .help = "xDS streams served at once over both xDS ports; more are refused with "
                    "RESOURCE_EXHAUSTED",
            .min = 1,
            .max = std::numeric_limits<int>::max()})
      .add({.name = "http-port",
            .target = &o->http_port,
            .help = "/ready, /metrics and /debug/*; 0 picks a free port"})
      .add({.name = "debounce",
            .target = &o->debounce,
            .help = "quiet period before a push (a bare number: milliseconds)",
            .bare_unit = ms})
      .add({.name = "debounce-max",
            .target = &o->debounce_max,
            .help = "longest a change waits for a push",
            .bare_unit = ms})
      .add({.name = "jwks-refresh",
            .target = &o->jwks_refresh,
            .help = "how often jwksUri key sets are fetched again",
            .bare_unit = ms})
      .add({.name = "debounce-ms", .target = &o->debounce, .help = "", .replaced_by = "debounce"})
      .add({.name = "debounce-max-ms",
            .target = &o->debounce_max,
            .help = "",
            .replaced_by = "debounce-max"})
      .add({.name = "jwks-refresh-ms",
            .target = &o->jwks_refresh,
            .help = "",
            .replaced_by = "jwks-refresh"})
      .add(flags::log_level_flag(&o->log_level))
      .add({.name = "gateway-service-accounts",
            .target = &o->gateway_service_accounts,
            .help = "with --config-dir: the service accounts (namespace/name,...) that may "
                    "read the gateway credentials (Secrets) of their namespace over secure xDS; "
                    "nobody else gets their private keys",
            .value_name = "NS/SA,...",
            .default_text = "none"})
      .section("HTTP port limits (docs/limits.md):")
      .add({.name = "http-header-timeout",
            .target = &o->http_limits.header_timeout,
            .help = "a request's line and headers must arrive within this of the connection "
                    "opening or the previous answer; an idle connection is closed after it"})
      .add({.name = "http-idle-timeout",
            .target = &o->http_limits.idle_timeout,
            .help = "a connection on which nothing moves for this long is closed"})
      .add({.name = "http-max-connections",
            .target = &o->http_limits.max_connections,
            .help = "connections open at once; past it, the one idle the longest is closed",
            .min = 1})
      .add({.name = "http-max-connections-per-ip",
            .target = &o->http_limits.max_connections_per_ip,
            .help = "connections open at once from one address; more are closed at once",
            .min = 1})
      .section(
          "Kubernetes (instead of --config-dir; in cluster when KUBERNETES_SERVICE_HOST is "
          "set):")
      .add({.name = "kubeconfig",
            .target = &o->kubeconfig,
            .help = "read config from the API server of this kubeconfig's current context",
            .value_name = "PATH"})
      .add({.name = "control-plane-namespace",
            .target = &o->control_plane_namespace,
            .help = "istio ConfigMap, CA Secrets, lease",
            .value_name = "NS"})
      .add({.name = "leader-election",
            .target = &o->leader_election,
            .help = "singleton work only on the lease holder"})
      .add({.name = "credentials-allow-ttl",
            .target = &o->credentials_allow_ttl,
            .help = "how long RBAC's yes to a gateway reading its namespace's Secrets "
                    "(SubjectAccessReview, list secrets) is reused"})
      .add({.name = "credentials-deny-ttl",
            .target = &o->credentials_deny_ttl,
            .help = "how long RBAC's no (or a failed review) is reused"})
      .section("CA (also secure xDS on --ca-port):");
  ca::add_ca_flags(set, ca);
  return set;
}

}  // namespace

std::optional<int> parse_options(int argc, char** argv, Options* out, ca::CaServerOptions* ca) {
  const flags::FlagSet set = jibd_flags(out, ca);
  const flags::ParseResult result = set.parse({argv + 1, argv + argc});
  if (auto code = flags::exit_code(result, set, "jibd")) return code;
  if (!result.positional.empty()) {
    return flags::usage_error(set, "jibd", "unexpected argument " + result.positional.front());
  }
  const char* in_cluster = std::getenv("KUBERNETES_SERVICE_HOST");
  out->kube = !out->kubeconfig.empty() ||
              (out->config_dir.empty() && in_cluster != nullptr && *in_cluster != '\0');
  if (out->kube && !out->config_dir.empty()) {
    return flags::usage_error(set, "jibd", "--config-dir and --kubeconfig exclude each other");
  }
  // Checked here, not only by http::serve, so that jibd exits before opening any port.
  for (const auto& [flag, value] :
       {std::pair{"--http-header-timeout", out->http_limits.header_timeout},
        std::pair{"--http-idle-timeout", out->http_limits.idle_timeout}}) {
    if (value < std::chrono::seconds(1)) {
      return flags::usage_error(set, "jibd", std::string(flag) + " must be at least 1s");
    }
  }
  if (out->config_dir.empty() && !out->kube) {
    return flags::usage_error(set, "jibd", "--config-dir is required");
  }
  if (out->kube && !out->gateway_service_accounts.empty()) {
    return flags::usage_error(set, "jibd",
                              "--gateway-service-accounts is for --config-dir; on Kubernetes, "
                              "RBAC decides who reads Secrets");
  }
  std::string error;
  if (!xds::make_credentials_allow_list(out->gateway_service_accounts, &error)) {
    return flags::usage_error(set, "jibd", "--gateway-service-accounts: " + error);
  }
  return std::nullopt;
}

}  // namespace jib::jibd
