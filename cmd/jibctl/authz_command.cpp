// jibctl authz check: would this request reach the workload? Loads the config as jibd does,
// builds the inbound filters jibd would send the workload's sidecar (xds::inbound_filters), and
// runs their RBAC filters on the request with Envoy's semantics (xds/envoy_rbac/rbac_evaluator.h).
// Exit status: 0 ALLOW, 1 DENY, 2 usage or config error.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/ossl.h"
#include "cmd/jibctl/authz_report.h"
#include "cmd/jibctl/command.h"
#include "cmd/jibctl/config_files.h"
#include "cmd/jibctl/flags.h"
#include "mesh/model/snapshot.h"
#include "xds/envoy_rbac/normalized_path.h"
#include "xds/translate/inbound_filters.h"
#include "xds/translate/inbound_ports.h"
#include "xds/translate/mesh_view.h"
#include "xds/translate/protocol.h"

namespace jib::ctl {
namespace {

constexpr int kDeny = 1;
constexpr int kError = 2;

constexpr const char* kUsage =
    "usage: jibctl authz check --config DIR|FILE --to WORKLOAD [--from PRINCIPAL]\n"
    "                          [--method M] [--path P] [--host H] [--header K=V]...\n"
    "                          [--claims FILE | --token-invalid] [--port N] [--source-ip IP]\n"
    "                          [--destination-ip IP] [--sni S] [--mesh-config FILE]\n"
    "                          [-o text|json]\n"
    "Prints ALLOW or DENY, the RBAC stage that decided (DENY, ALLOW, or none when no ALLOW\n"
    "policy applies and no DENY policy matched; jwt_authn for a refused token) and the Envoy\n"
    "policy that decided (ns[<ns>]-policy[<name>]-rule[<i>]), from the RBAC filters jibd sends\n"
    "the workload, run as Envoy runs them. AUDIT matches are shown, dry-run rules never decide.\n"
    "  --config DIR|FILE  Istio and Kubernetes YAML, read as jibd reads it (repeatable); any\n"
    "                     invalid object is an error\n"
    "  --to WORKLOAD      namespace/name: the Pod of that name, else the WorkloadEntry; or\n"
    "                     namespace:key=value,...: a workload with exactly these labels\n"
    "  --from PRINCIPAL   the caller's mesh identity, cluster.local/ns/NS/sa/SA (its mTLS\n"
    "                     certificate's URI SAN); absent: a plaintext caller\n"
    "  --method, --path   default GET and /; the path may carry a query\n"
    "  --host H           the Host (:authority); none by default\n"
    "  --header K=V       a request header (repeatable); x-forwarded-for sets the remote IP\n"
    "  --claims FILE      the payload of the request's JWT (JSON): verified when a JWT rule of a\n"
    "                     RequestAuthentication that applies has its issuer (and audience);\n"
    "                     refused (DENY, 401) when rules apply but none does; ignored when none\n"
    "                     applies\n"
    "  --token-invalid    the request carries a token that does not verify (401 when a\n"
    "                     RequestAuthentication applies)\n"
    "  --port N           the inbound port (default: the first of the workload's Sidecar\n"
    "                     ingress ports, else of its services' ports, else 80); a TCP port\n"
    "                     runs the network RBAC filters\n"
    "  --source-ip IP     the caller's address (default: none, so ipBlocks never match)\n"
    "  --destination-ip   the workload's address (default: the Pod or WorkloadEntry address)\n"
    "  --sni S            the TLS server name the caller sent (default: none)\n"
    "Exit status: 0 ALLOW, 1 DENY, 2 usage or config error.\n";

struct CheckArgs {
  std::vector<std::string> config;
  std::string mesh_config, to, claims_file, method = "GET", path = "/", host;
  std::string source_ip, destination_ip, sni;
  std::optional<std::string> from;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<uint32_t> port;
  bool token_invalid = false;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "jibctl authz check: %s\n%s", message.c_str(), kUsage);
  return kError;
}

int error(const std::string& message) {
  std::fprintf(stderr, "jibctl authz check: %s\n", message.c_str());
  return kError;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Sets *a from args; returns an error message, empty when all is well.
std::string parse_args(std::vector<std::string> args, CheckArgs* a) {
  if (auto it = std::find(args.begin(), args.end(), "--token-invalid"); it != args.end()) {
    a->token_invalid = true;
    args.erase(it);
  }
  std::string port;
  const std::map<std::string_view, std::string*> strings = {
      {"--mesh-config", &a->mesh_config},
      {"--to", &a->to},
      {"--claims", &a->claims_file},
      {"--method", &a->method},
      {"--path", &a->path},
      {"--host", &a->host},
      {"--source-ip", &a->source_ip},
      {"--destination-ip", &a->destination_ip},
      {"--sni", &a->sni},
      {"--port", &port}};
  std::string error =
      parse_flags(args, strings, [&](std::string_view flag, std::string_view value) {
        if (flag == "--config") {
          a->config.emplace_back(value);
        } else if (flag == "--from") {
          a->from = std::string(value.starts_with("spiffe://") ? value.substr(9) : value);
        } else if (flag == "--header") {
          const size_t eq = value.find('=');
          if (eq == std::string_view::npos || eq == 0) {
            return std::string("--header needs NAME=VALUE");
          }
          a->headers.emplace_back(lower(std::string(value.substr(0, eq))), value.substr(eq + 1));
        } else {
          return "unknown flag " + std::string(flag);
        }
        return std::string();
      });
  if (!error.empty()) return error;
  if (!port.empty()) {
    uint32_t n = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc() || end != port.data() + port.size() || n == 0 || n > 65535) {
      return "--port needs a number from 1 to 65535";
    }
    a->port = n;
  }
  if (a->config.empty()) return "--config is required";
  if (a->to.empty()) return "--to is required";
  if (!a->claims_file.empty() && a->token_invalid) return "--claims and --token-invalid conflict";
  return "";
}

// The snapshot jibd would build from these files, or nullptr after printing the errors.
mesh::SnapshotPtr load_snapshot(const CheckArgs& args) {
  LoadedConfig config = load_config(args.config, /*strict=*/false);
  auto mesh_config = std::make_shared<const mesh::MeshConfig>(
      mesh_config_for(args.mesh_config, config, config.errors));
  for (const auto& w : config.warnings) std::fprintf(stderr, "warning: %s\n", w.str().c_str());
  for (const auto& e : config.errors) std::fprintf(stderr, "%s\n", e.str().c_str());
  if (!config.errors.empty()) return nullptr;
  mesh::ConfigStore store;
  mesh::Batch batch;
  batch.upserts = std::move(config.objects);
  store.apply(batch);
  return mesh::Snapshot::build(store.state(), mesh_config);
}

// The inbound port and whether it speaks HTTP.
void choose_port(const CheckArgs& args, const xds::MeshView& view, AuthzReport* report) {
  const auto ports = xds::inbound_ports(view);
  for (const auto& inbound : ports) {
    if (args.port && inbound.port.number != *args.port) continue;
    report->port = inbound.port.number;
    report->http = xds::is_http_protocol(inbound.port);
    return;
  }
  report->port = args.port.value_or(80);
  report->http = true;
  report->notes.push_back(args.port ? "port " + std::to_string(report->port) +
                                          " is not an inbound port of the workload: taken as HTTP"
                                    : "no inbound port known (Sidecar ingress or service "
                                      "endpoint): port 80, taken as HTTP");
}

xds::authz::RbacRequest make_request(const CheckArgs& args, const AuthzReport& report) {
  xds::authz::RbacRequest r;
  if (report.http) {
    r.headers = {{":method", args.method}, {":path", xds::authz::normalized_path(args.path)}};
    if (!args.host.empty()) r.headers.emplace_back(":authority", args.host);
    for (const auto& [name, value] : args.headers) {
      r.headers.emplace_back(name == "host" ? ":authority" : name, value);
    }
  }
  if (args.from) r.peer_uri = "spiffe://" + *args.from;
  r.direct_remote_ip = r.remote_ip = args.source_ip;
  // The sidecar's HTTP connection manager trusts no hop: the client is X-Forwarded-For's last.
  for (const auto& [name, value] : r.headers) {
    if (name != "x-forwarded-for") continue;
    const size_t comma = value.rfind(',');
    std::string last = value.substr(comma == std::string::npos ? 0 : comma + 1);
    last.erase(0, last.find_first_not_of(' '));
    last.erase(last.find_last_not_of(' ') + 1);
    r.remote_ip = last;
  }
  r.destination_ip = args.destination_ip.empty() ? report.target.ip : args.destination_ip;
  r.destination_port = report.port;
  r.requested_server_name = args.sni;
  return r;
}

bool read_claims(const std::string& file, nlohmann::json* claims, std::string* message) {
  std::string text;
  if (!jib::read_file(file, &text, message)) return false;
  *claims = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!claims->is_object()) {
    *message = file + ": the claims must be a JSON object";
    return false;
  }
  return true;
}

int check(const CheckArgs& args, const std::string& format) {
  nlohmann::json claims;
  std::string message;
  if (!args.claims_file.empty() && !read_claims(args.claims_file, &claims, &message)) {
    return error(message);
  }
  mesh::SnapshotPtr snapshot = load_snapshot(args);
  if (!snapshot) return error("the config has errors");
  AuthzReport report;
  auto target = find_target(snapshot->state(), args.to, &message);
  if (!target) return error(message);
  report.target = std::move(*target);
  const xds::Proxy proxy = target_proxy(report.target);
  const xds::MeshView view(*snapshot, proxy);
  choose_port(args, view, &report);
  xds::authz::RbacRequest request = make_request(args, report);
  const xds::InboundFilters filters = xds::inbound_filters(view);
  const mesh::PolicyWorkload& workload = report.target.workload;
  if (report.http) {
    report.token = check_token(snapshot->policies().request_authentications(workload), claims,
                               args.token_invalid);
    if (report.token.outcome == TokenCheck::Outcome::kVerified) {
      add_verified_payload(claims, &request);
    }
  } else if (!claims.is_null() || args.token_invalid) {
    report.notes.push_back("a TCP port: the token is not read");
  }
  if (!snapshot->policies().authorization_policies(workload).custom.empty()) {
    report.notes.push_back(
        "CUSTOM policies apply: the external authorizer decides first, and is not asked here");
  }
  try {
    if (report.token.outcome != TokenCheck::Outcome::kRejected) {
      report.chain = report.http ? xds::authz::run_rbac_filters(filters.http, request)
                                 : xds::authz::run_rbac_filters(filters.network, request);
    }
  } catch (const xds::authz::UnsupportedMatcher& e) {
    return error(e.what());
  }
  if (format == "json") {
    print_json(report);
  } else {
    print_text(report);
  }
  return report.allowed() ? 0 : kDeny;
}

}  // namespace

int run_authz(const std::vector<std::string_view>& argv) {
  std::vector<std::string> args(argv.begin(), argv.end());
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (args.empty() || args[0] != "check") return usage_error("the only subcommand is check");
  args.erase(args.begin());
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  auto format = take_output_flag(args);
  if (!format) return usage_error("-o needs text or json");
  CheckArgs parsed;
  if (std::string message = parse_args(args, &parsed); !message.empty()) {
    return usage_error(message);
  }
  return check(parsed, *format);
}

}  // namespace jib::ctl
