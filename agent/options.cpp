#include "agent/options.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <sstream>

#include "base/flags.h"

namespace jib::agent {
namespace {

constexpr const char* kUsageHead =
    "usage: jib-agent --ca-root-cert FILE --sds-socket PATH [flags] [-- envoy args]\n"
    "Fetches the workload's certificate from jibd's CA, serves it to Envoy over SDS, writes\n"
    "Envoy's bootstrap and can run Envoy.\n";

flags::Setter fraction(double* out) {
  return [out](std::string_view v) -> std::string {
    const std::string text(v);
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) return "needs a number";
    *out = d;
    return "";
  };
}

flags::Setter labels(std::map<std::string, std::string>* out) {
  return [out](std::string_view v) -> std::string {
    std::stringstream in{std::string(v)};
    std::string item;
    while (std::getline(in, item, ',')) {
      if (item.empty()) continue;
      const auto eq = item.find('=');
      if (eq == std::string::npos || eq == 0) return "needs KEY=VALUE,...";
      (*out)[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return "";
  };
}

flags::FlagSet agent_flags(AgentOptions* o) {
  const auto seconds = std::chrono::seconds(1);
  flags::FlagSet set(kUsageHead);
  set.add({.name = "ca-address", .target = &o->cert.ca_address, .help = "HOST:PORT of the mesh CA"})
      .add({.name = "ca-root-cert",
            .target = &o->cert.root_cert_file,
            .help = "the mesh root(s) (istio-ca-root-cert); verifies the CA, watched for ROOTCA "
                    "(required)",
            .value_name = "FILE"})
      .add({.name = "ca-server-name",
            .target = &o->cert.ca_server_name,
            .help = "name verified in the CA's certificate"})
      .add({.name = "token-file",
            .target = &o->cert.token_file,
            .help = "the workload's service account token, sent as bearer credential",
            .value_name = "FILE"})
      .add({.name = "key-type",
            .target = &o->cert.key_type,
            .help = "P-256 (ec), P-384 (ec384) or RSA 2048 (rsa)",
            .choices = {"ec", "ec384", "rsa"}})
      .add({.name = "cert-ttl",
            .target = &o->cert.cert_ttl,
            .help = "certificate lifetime asked of the CA",
            .bare_unit = seconds})
      .add({.name = "renew-fraction",
            .target = fraction(&o->cert.renewal.fraction),
            .help = "renew after this fraction of the lifetime (default 0.8)",
            .value_name = "F"})
      .add({.name = "renew-jitter",
            .target = fraction(&o->cert.renewal.jitter),
            .help = "renew up to this fraction of the lifetime earlier, at random (default 0.05)",
            .value_name = "F"})
      .add({.name = "backoff-initial",
            .target = &o->cert.backoff.initial,
            .help = "first retry delay when the CA is away",
            .bare_unit = seconds})
      .add({.name = "backoff-max",
            .target = &o->cert.backoff.max,
            .help = "longest retry delay, before jitter",
            .bare_unit = seconds})
      .add({.name = "root-cert-poll",
            .target = &o->cert.root_poll,
            .help = "how often --ca-root-cert is re-read",
            .bare_unit = seconds})
      .add({.name = "trust-domain",
            .target = &o->bootstrap.trust_domain,
            .help = "SPIFFE trust domain of the workload's ID"})
      .add({.name = "sds-socket",
            .target = &o->bootstrap.sds_socket,
            .help = "the Unix socket serving SDS to Envoy (required)",
            .value_name = "PATH"})
      .add({.name = "sds-socket-mode",
            .target = flags::Setter([o](std::string_view v) -> std::string {
              if (v != "0600" && v != "0660" && v != "600" && v != "660") {
                return "needs 0600 or 0660";
              }
              o->sds_socket_mode = v.ends_with("660") ? 0660 : 0600;
              return "";
            }),
            .help = "0600 (default) or 0660",
            .value_name = "MODE"})
      .add({.name = "bootstrap-out",
            .target = &o->bootstrap_out,
            .help = "write Envoy's bootstrap here",
            .value_name = "FILE"})
      .add({.name = "xds-address",
            .target = &o->bootstrap.xds_address,
            .help = "HOST:PORT of jibd's ADS"})
      .add({.name = "xds-plaintext",
            .target = &o->bootstrap.xds_plaintext,
            .help = "ADS without TLS (jibd's 15010)"})
      .add({.name = "no-xds-token",
            .target = flags::Setter([o](std::string_view) -> std::string {
              o->xds_token = false;
              return "";
            }),
            .help = "leave the token out of the bootstrap (the certificate alone authenticates "
                    "ADS)",
            .value_name = "",
            .value_optional = true})
      .add({.name = "xds-server-name",
            .target = &o->bootstrap.xds_server_name,
            .help = "SNI and name verified on jibd"})
      .add({.name = "proxy-type",
            .target = &o->bootstrap.proxy_type,
            .help = "the proxy's role",
            .choices = {"sidecar", "router"}})
      .add({.name = "pod-name",
            .target = &o->bootstrap.pod_name,
            .help = "pod name",
            .default_text = "$POD_NAME, else the host name"})
      .add({.name = "pod-namespace",
            .target = &o->bootstrap.pod_namespace,
            .help = "namespace",
            .default_text = "$POD_NAMESPACE, else default"})
      .add({.name = "service-account",
            .target = &o->bootstrap.service_account,
            .help = "service account",
            .default_text = "$SERVICE_ACCOUNT, else default"})
      .add({.name = "pod-ip",
            .target = &o->bootstrap.pod_ip,
            .help = "the workload's IP",
            .default_text = "$INSTANCE_IP, else 127.0.0.1"})
      .add({.name = "labels",
            .target = labels(&o->bootstrap.labels),
            .help = "the workload's labels (LABELS)",
            .value_name = "K=V,..."})
      .add({.name = "workload-name",
            .target = &o->bootstrap.workload_name,
            .help = "WORKLOAD_NAME",
            .default_text = "the pod name without its last -suffix"})
      .add({.name = "cluster-id", .target = &o->bootstrap.cluster_id, .help = "CLUSTER_ID"})
      .add({.name = "interception-mode",
            .target = &o->bootstrap.interception_mode,
            .help = "INTERCEPTION_MODE",
            .choices = {"REDIRECT", "TPROXY", "NONE"}})
      .add(
          {.name = "istio-version", .target = &o->bootstrap.istio_version, .help = "ISTIO_VERSION"})
      .add({.name = "admin-port",
            .target = &o->bootstrap.admin_port,
            .help = "Envoy's admin port on 127.0.0.1",
            .min = 1})
      .add({.name = "envoy-binary",
            .target = &o->envoy.binary,
            .help = "start Envoy with the bootstrap and keep it running",
            .value_name = "PATH"})
      .add({.name = "envoy-args",
            .target = flags::Setter([o](std::string_view v) -> std::string {
              std::stringstream in{std::string(v)};
              std::string a;
              while (in >> a) o->envoy.args.push_back(a);
              return "";
            }),
            .help = "more Envoy arguments, split at spaces (repeatable; also anything after --)",
            .value_name = "ARGS"})
      .add(flags::log_level_flag(&o->log_level));
  return set;
}

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// What the flags cannot check one by one.
std::string check(const AgentOptions& o) {
  if (o.cert.root_cert_file.empty()) return "--ca-root-cert is required";
  if (o.bootstrap.sds_socket.empty()) return "--sds-socket is required";
  if (o.cert.cert_ttl < std::chrono::seconds(1)) return "--cert-ttl needs at least 1s";
  if (o.cert.root_poll.count() <= 0) return "--root-cert-poll needs more than 0";
  if (!valid_renewal_options(o.cert.renewal)) {
    return "--renew-fraction and --renew-jitter need 0 < fraction - jitter and fraction < 1";
  }
  std::string host;
  int port = 0;
  if (!split_host_port(o.cert.ca_address, &host, &port)) return "bad --ca-address";
  if (!split_host_port(o.bootstrap.xds_address, &host, &port)) return "bad --xds-address";
  if (!o.envoy.binary.empty() && o.bootstrap_out.empty()) {
    return "--envoy-binary needs --bootstrap-out";
  }
  return "";
}

}  // namespace

bool parse_agent_options(const std::vector<std::string>& args, AgentOptions* o,
                         std::string* error) {
  char host[256] = "";
  gethostname(host, sizeof(host) - 1);
  o->bootstrap.pod_name = env_or("POD_NAME", host);
  o->bootstrap.pod_namespace = env_or("POD_NAMESPACE", "default");
  o->bootstrap.pod_ip = env_or("INSTANCE_IP", "127.0.0.1");
  o->bootstrap.service_account = env_or("SERVICE_ACCOUNT", "default");
  o->cert.ca_address = "istiod.istio-system.svc:15012";
  const flags::ParseResult result = agent_flags(o).parse(args);
  if (result.outcome == flags::ParseResult::Outcome::kHelp) {
    o->help = true;
    return true;
  }
  if (!result.ok()) {
    *error = result.error;
    return false;
  }
  // Everything after "--" is Envoy's; nothing else stands alone.
  const auto dashes = std::find(args.begin(), args.end(), "--");
  const size_t for_envoy =
      static_cast<size_t>(args.end() - dashes) - (dashes == args.end() ? 0 : 1);
  if (result.positional.size() > for_envoy) {
    *error = "unexpected argument " + result.positional.front();
    return false;
  }
  o->envoy.args.insert(o->envoy.args.end(), result.positional.begin(), result.positional.end());
  *error = check(*o);
  // Istio's agent puts the workload's SPIFFE ID in its CSR; the CA checks it against the token.
  o->cert.spiffe_id = "spiffe://" + o->bootstrap.trust_domain + "/ns/" +
                      o->bootstrap.pod_namespace + "/sa/" + o->bootstrap.service_account;
  return error->empty();
}

std::string agent_usage() {
  AgentOptions defaults;
  defaults.cert.ca_address = "istiod.istio-system.svc:15012";
  return agent_flags(&defaults).usage();
}

}  // namespace jib::agent
