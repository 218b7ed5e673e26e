#include "cmd/jibd/options.h"

#include "ca/ca_server.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string_view>

namespace jib::jibd {
namespace {

constexpr const char* kUsage = R"(usage: jibd --config-dir DIR [flags]

  --config-dir DIR      directory of Istio YAML to serve (watched for changes)
  --bind ADDR           address to listen on (default 0.0.0.0)
  --mesh-config FILE    MeshConfig, YAML or JSON (trustDomain, rootNamespace, enableAutoMtls,
                        ...); Istio's defaults for what it leaves out. Without it, the `mesh`
                        key of the istio ConfigMap in the control plane namespace (config
                        dir or cluster), re-read whenever it changes
  --xds-port N          plaintext ADS gRPC port (default 15010; 0 picks a free port)
  --http-port N         /ready, /metrics and /debug/* (default 15014; 0 picks a free port)
  --ca-port N           CA and secure xDS port (default 15012; 0 picks a free port)
  --debounce-ms N       quiet period before a push (default 100)
  --debounce-max-ms N   longest a change waits for a push (default 1000)
  --jwks-refresh-ms N   how often jwksUri key sets are fetched again (default 1200000, 20 min)
  --log-level LEVEL     debug, info, warn or error (default info)

Kubernetes (instead of --config-dir; in cluster when KUBERNETES_SERVICE_HOST is set):
  --kubeconfig PATH     read config from the API server of this kubeconfig's current context
  --control-plane-namespace NS   istio ConfigMap, CA Secrets, lease (default istio-system)
  --leader-election BOOL   singleton work only on the lease holder (default true)
)";

bool parse_int(std::string_view text, int min, int max, int* out) {
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max)
    return false;
  *out = value;
  return true;
}

}  // namespace

bool parse_options(int argc, char** argv, Options* out, std::string* error) {
  using Setter = std::function<bool(std::string_view)>;
  auto port = [](int* field) {
    return [field](std::string_view v) { return parse_int(v, 0, 65535, field); };
  };
  auto millis = [](std::chrono::milliseconds* field) {
    return [field](std::string_view v) {
      int n = 0;
      if (!parse_int(v, 0, 3600 * 1000, &n)) return false;
      *field = std::chrono::milliseconds(n);
      return true;
    };
  };
  std::map<std::string_view, Setter> flags = {
      {"--config-dir",
       [out](std::string_view v) {
         out->config_dir = v;
         return !v.empty();
       }},
      {"--bind",
       [out](std::string_view v) {
         out->bind = v;
         return !v.empty();
       }},
      {"--mesh-config",
       [out](std::string_view v) {
         out->mesh_config_file = v;
         return !v.empty();
       }},
      {"--xds-port", port(&out->xds_port)},
      {"--http-port", port(&out->http_port)},
      {"--ca-port", port(&out->ca_port)},
      {"--debounce-ms", millis(&out->debounce)},
      {"--debounce-max-ms", millis(&out->debounce_max)},
      {"--jwks-refresh-ms", millis(&out->jwks_refresh)},
      {"--log-level", [out](std::string_view v) { return log::parse_level(v, &out->log_level); }},
      {"--kubeconfig",
       [out](std::string_view v) {
         out->kubeconfig = v;
         return !v.empty();
       }},
      {"--control-plane-namespace",
       [out](std::string_view v) {
         out->control_plane_namespace = v;
         return !v.empty();
       }},
      {"--leader-election",
       [out](std::string_view v) {
         out->leader_election = v == "true";
         return v == "true" || v == "false";
       }},
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::fputs("\nCA flags:\n", stdout);
      std::fputs(ca::ca_flags_help().c_str(), stdout);
      std::exit(0);
    }
    std::string_view name = arg;
    std::string_view value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    auto it = flags.find(name);
    if (it == flags.end()) {
      out->rest.emplace_back(arg);
      // Keep an unknown flag's separate value with it.
      if (!has_value && i + 1 < argc && std::string_view(argv[i + 1]).substr(0, 2) != "--") {
        out->rest.emplace_back(argv[++i]);
      }
      continue;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        *error = std::string(name) + " needs a value";
        return false;
      }
      value = argv[++i];
    }
    if (!it->second(value)) {
      *error = "bad value for " + std::string(name) + ": \"" + std::string(value) + "\"";
      return false;
    }
  }
  const char* in_cluster = std::getenv("KUBERNETES_SERVICE_HOST");
  out->kube = !out->kubeconfig.empty() ||
              (out->config_dir.empty() && in_cluster != nullptr && *in_cluster != '\0');
  if (out->kube && !out->config_dir.empty()) {
    *error = "--config-dir and --kubeconfig exclude each other";
    return false;
  }
  if (out->config_dir.empty() && !out->kube) {
    *error = "--config-dir is required\n" + std::string(kUsage);
    return false;
  }
  return true;
}

}  // namespace jib::jibd
