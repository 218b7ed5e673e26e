#include "agent/options.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>

namespace jib::agent {
namespace {

using Setter = std::function<bool(const std::string&, AgentOptions*)>;

struct Flag {
  const char* help;
  Setter set;
  bool boolean = false;  // takes no value
};

bool parse_double(const std::string& v, double* out) {
  char* end = nullptr;
  *out = std::strtod(v.c_str(), &end);
  return !v.empty() && end == v.c_str() + v.size();
}

Setter str(std::string AgentOptions::*m) {
  return [m](const std::string& v, AgentOptions* o) {
    o->*m = v;
    return true;
  };
}
template <typename T>
Setter sub(T AgentOptions::*part, std::string T::*m) {
  return [part, m](const std::string& v, AgentOptions* o) {
    (o->*part).*m = v;
    return true;
  };
}
Setter one_of(std::string* (*field)(AgentOptions*), std::vector<std::string> allowed) {
  return [field, allowed](const std::string& v, AgentOptions* o) {
    for (const auto& a : allowed) {
      if (v == a) {
        *field(o) = v;
        return true;
      }
    }
    return false;
  };
}

bool parse_labels(const std::string& v, std::map<std::string, std::string>* out) {
  std::stringstream in(v);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) return false;
    (*out)[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return true;
}

const std::map<std::string, Flag>& flags() {
  static const std::map<std::string, Flag> kFlags = {
      {"ca-address",
       {"HOST:PORT of the mesh CA (default istiod.istio-system.svc:15012)",
        sub(&AgentOptions::cert, &CertManagerOptions::ca_address)}},
      {"ca-root-cert",
       {"FILE: the mesh root(s) (istio-ca-root-cert); verifies the CA, watched for ROOTCA "
        "(required)",
        sub(&AgentOptions::cert, &CertManagerOptions::root_cert_file)}},
      {"ca-server-name",
       {"name verified in the CA's certificate (default istiod.istio-system.svc)",
        sub(&AgentOptions::cert, &CertManagerOptions::ca_server_name)}},
      {"token-file",
       {"FILE: the workload's service account token, sent as bearer credential",
        sub(&AgentOptions::cert, &CertManagerOptions::token_file)}},
      {"key-type",
       {"ec (P-256, default), ec384 or rsa (2048)",
        one_of([](AgentOptions* o) { return &o->cert.key_type; }, {"ec", "ec384", "rsa"})}},
      {"cert-ttl",
       {"certificate lifetime asked of the CA (default 24h)",
        [](const std::string& v, AgentOptions* o) {
          std::chrono::milliseconds d;
          if (!parse_duration_ms(v, &d) || d < std::chrono::seconds(1)) return false;
          o->cert.cert_ttl = std::chrono::duration_cast<std::chrono::seconds>(d);
          return true;
        }}},
      {"renew-fraction",
       {"renew after this fraction of the lifetime (default 0.8)",
        [](const std::string& v, AgentOptions* o) {
          return parse_double(v, &o->cert.renewal.fraction);
        }}},
      {"renew-jitter",
       {"renew up to this fraction of the lifetime earlier, at random (default 0.05)",
        [](const std::string& v, AgentOptions* o) {
          return parse_double(v, &o->cert.renewal.jitter);
        }}},
      {"backoff-initial",
       {"first retry delay when the CA is away (default 500ms)",
        [](const std::string& v, AgentOptions* o) {
          return parse_duration_ms(v, &o->cert.backoff.initial);
        }}},
      {"backoff-max",
       {"longest retry delay, before jitter (default 30s)",
        [](const std::string& v, AgentOptions* o) {
          return parse_duration_ms(v, &o->cert.backoff.max);
        }}},
      {"root-cert-poll",
       {"how often --ca-root-cert is re-read (default 2s)",
        [](const std::string& v, AgentOptions* o) {
          return parse_duration_ms(v, &o->cert.root_poll) && o->cert.root_poll.count() > 0;
        }}},
      {"trust-domain",
       {"SPIFFE trust domain of the workload's ID (default cluster.local)",
        sub(&AgentOptions::bootstrap, &BootstrapOptions::trust_domain)}},
      {"sds-socket",
       {"PATH of the Unix socket serving SDS to Envoy (required)",
        sub(&AgentOptions::bootstrap, &BootstrapOptions::sds_socket)}},
      {"sds-socket-mode",
       {"0600 (default) or 0660",
        [](const std::string& v, AgentOptions* o) {
          if (v != "0600" && v != "0660" && v != "600" && v != "660") return false;
          o->sds_socket_mode = v.ends_with("660") ? 0660 : 0600;
          return true;
        }}},
      {"bootstrap-out", {"FILE: write Envoy's bootstrap here", str(&AgentOptions::bootstrap_out)}},
      {"xds-address",
       {"HOST:PORT of jibd's ADS (default istiod.istio-system.svc:15012)",
        sub(&AgentOptions::bootstrap, &BootstrapOptions::xds_address)}},
      {"xds-plaintext",
       {"ADS without TLS (jibd's 15010)",
        [](const std::string&, AgentOptions* o) { return o->bootstrap.xds_plaintext = true; },
        true}},
      {"no-xds-token",
       {"leave the token out of the bootstrap (the certificate alone authenticates ADS)",
        [](const std::string&, AgentOptions* o) { return !(o->xds_token = false); }, true}},
      {"xds-server-name",
       {"SNI and name verified on jibd (default istiod.istio-system.svc)",
        sub(&AgentOptions::bootstrap, &BootstrapOptions::xds_server_name)}},
      {"proxy-type",
       {"sidecar (default) or router",
        one_of([](AgentOptions* o) { return &o->bootstrap.proxy_type; }, {"sidecar", "router"})}},
      {"pod-name",
       {"pod name (default $POD_NAME, else the host name)",
        sub(&AgentOptions::bootstrap, &BootstrapOptions::pod_name)}},
      {"pod-namespace",
       {"namespace (default $POD_NAMESPACE, else default)",
        sub(&AgentOptions::bootstrap, &BootstrapOptions::pod_namespace)}},
      {"service-account",
       {"service account (default $SERVICE_ACCOUNT, else default)",
        sub(&AgentOptions::bootstrap, &BootstrapOptions::service_account)}},
      {"pod-ip",
       {"the workload's IP (default $INSTANCE_IP, else 127.0.0.1)",
        sub(&AgentOptions::bootstrap, &BootstrapOptions::pod_ip)}},
      {"labels",
       {"k=v,k=v: the workload's labels (LABELS)",
        [](const std::string& v, AgentOptions* o) {
          return parse_labels(v, &o->bootstrap.labels);
        }}},
      {"workload-name",
       {"WORKLOAD_NAME (default: the pod name without its last -suffix)",
        sub(&AgentOptions::bootstrap, &BootstrapOptions::workload_name)}},
      {"cluster-id",
       {"CLUSTER_ID (default Kubernetes)",
        sub(&AgentOptions::bootstrap, &BootstrapOptions::cluster_id)}},
      {"interception-mode",
       {"REDIRECT (default), TPROXY or NONE",
        one_of([](AgentOptions* o) { return &o->bootstrap.interception_mode; },
               {"REDIRECT", "TPROXY", "NONE"})}},
      {"istio-version",
       {"ISTIO_VERSION (default 1.24.0)",
        sub(&AgentOptions::bootstrap, &BootstrapOptions::istio_version)}},
      {"admin-port",
       {"Envoy's admin port on 127.0.0.1 (default 15000)",
        [](const std::string& v, AgentOptions* o) {
          int& p = o->bootstrap.admin_port;
          auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), p);
          return ec == std::errc() && end == v.data() + v.size() && p > 0 && p < 65536;
        }}},
      {"envoy-binary",
       {"PATH: start Envoy with the bootstrap and keep it running",
        [](const std::string& v, AgentOptions* o) {
          o->envoy.binary = v;
          return true;
        }}},
      {"envoy-args",
       {"more Envoy arguments, split at spaces (repeatable; also anything after --)",
        [](const std::string& v, AgentOptions* o) {
          std::stringstream in(v);
          std::string a;
          while (in >> a) o->envoy.args.push_back(a);
          return true;
        }}},
      {"log-level", {"debug, info (default), warn or error", str(&AgentOptions::log_level)}},
      {"help",
       {"this text", [](const std::string&, AgentOptions* o) { return o->help = true; }, true}},
  };
  return kFlags;
}

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

bool parse_duration_ms(const std::string& text, std::chrono::milliseconds* out) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || n < 0) return false;
  std::string unit(p, text.data() + text.size());
  static const std::map<std::string, int64_t> kUnits = {
      {"", 1000}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
  auto it = kUnits.find(unit);
  if (it == kUnits.end()) return false;
  *out = std::chrono::milliseconds(n * it->second);
  return true;
}

bool parse_agent_options(const std::vector<std::string>& args, AgentOptions* o,
                         std::string* error) {
  char host[256] = "";
  gethostname(host, sizeof(host) - 1);
  o->bootstrap.pod_name = env_or("POD_NAME", host);
  o->bootstrap.pod_namespace = env_or("POD_NAMESPACE", "default");
  o->bootstrap.pod_ip = env_or("INSTANCE_IP", "127.0.0.1");
  o->bootstrap.service_account = env_or("SERVICE_ACCOUNT", "default");
  o->cert.ca_address = "istiod.istio-system.svc:15012";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      o->envoy.args.insert(o->envoy.args.end(), args.begin() + static_cast<long>(i) + 1,
                           args.end());
      break;
    }
    if (!arg.starts_with("--")) {
      *error = "unexpected argument " + arg;
      return false;
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto it = flags().find(name);
    if (it == flags().end()) {
      *error = "unknown flag --" + name;
      return false;
    }
    if (!it->second.boolean && !has_value) {
      if (i + 1 >= args.size()) {
        *error = "--" + name + " needs a value";
        return false;
      }
      value = args[++i];
    }
    if (!it->second.set(value, o)) {
      *error = "bad value for --" + name + ": " + value;
      return false;
    }
  }
  if (o->help) return true;
  if (o->cert.root_cert_file.empty()) *error = "--ca-root-cert is required";
  if (o->bootstrap.sds_socket.empty()) *error = "--sds-socket is required";
  if (!valid_renewal_options(o->cert.renewal)) {
    *error = "--renew-fraction and --renew-jitter need 0 < fraction - jitter and fraction < 1";
  }
  std::string host_part;
  int port = 0;
  if (!split_host_port(o->cert.ca_address, &host_part, &port)) *error = "bad --ca-address";
  if (!split_host_port(o->bootstrap.xds_address, &host_part, &port)) *error = "bad --xds-address";
  if (!o->envoy.binary.empty() && o->bootstrap_out.empty()) {
    *error = "--envoy-binary needs --bootstrap-out";
  }
  // Istio's agent puts the workload's SPIFFE ID in its CSR; the CA checks it against the token.
  o->cert.spiffe_id = "spiffe://" + o->bootstrap.trust_domain + "/ns/" +
                      o->bootstrap.pod_namespace + "/sa/" + o->bootstrap.service_account;
  return error->empty();
}

std::string agent_usage() {
  std::string out =
      "usage: jib-agent --ca-root-cert FILE --sds-socket PATH [flags] [-- envoy args]\n"
      "Fetches the workload's certificate from jibd's CA, serves it to Envoy over SDS, writes\n"
      "Envoy's bootstrap and can run Envoy.\n\n";
  for (const auto& [name, flag] : flags()) {
    out += "  --" + name + std::string(name.size() < 20 ? 20 - name.size() : 1, ' ') + flag.help +
           "\n";
  }
  return out;
}

}  // namespace jib::agent
