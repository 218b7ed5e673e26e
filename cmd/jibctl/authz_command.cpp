// jibctl authz check: would this request reach the workload? Loads the config as jibd does,
// builds the inbound filters jibd would send the workload's sidecar (xds::inbound_filters), and
// runs their RBAC filters on the request with Envoy's semantics (xds/envoy_rbac/rbac_evaluator.h).
// Exit status: 0 ALLOW, 1 DENY, 2 usage or config error.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/flags.h"
#include "base/ossl.h"
#include "cmd/jibctl/authz_report.h"
#include "cmd/jibctl/command.h"
#include "cmd/jibctl/config_files.h"
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

constexpr const char* kUsageHead =
    "usage: jibctl authz check --config DIR|FILE --to WORKLOAD [--from PRINCIPAL] [flags]\n"
    "Prints ALLOW or DENY, the RBAC stage that decided (DENY, ALLOW, or none when no ALLOW\n"
    "policy applies and no DENY policy matched; jwt_authn for a refused token) and the Envoy\n"
    "policy that decided (ns[<ns>]-policy[<name>]-rule[<i>]), from the RBAC filters jibd sends\n"
    "the workload, run as Envoy runs them. AUDIT matches are shown, dry-run rules never decide.\n";

constexpr const char* kFooter = "Exit status: 0 ALLOW, 1 DENY, 2 usage or config error.\n";

struct CheckArgs {
  std::vector<std::string> config;
  std::string mesh_config, to, claims_file, method = "GET", path = "/", host;
  std::string source_ip, destination_ip, sni;
  std::optional<std::string> from;
  std::vector<std::pair<std::string, std::string>> headers;
  int port = 0;  // 0: chosen from the workload
  bool token_invalid = false;
};

int error(const std::string& message) {
  std::fprintf(stderr, "jibctl authz check: %s\n", message.c_str());
  return kError;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

flags::FlagSet check_flags(CheckArgs* a, std::string* format) {
  flags::FlagSet set(kUsageHead);
  set.add({.name = "config",
           .target = flags::Setter([a](std::string_view v) -> std::string {
             if (v.empty()) return "empty value";
             a->config.emplace_back(v);
             return "";
           }),
           .help = "Istio and Kubernetes YAML, read as jibd reads it (repeatable); any invalid "
                   "object is an error",
           .value_name = "DIR|FILE"})
      .add({.name = "to",
            .target = &a->to,
            .help = "namespace/name: the Pod of that name, else the WorkloadEntry; or "
                    "namespace:key=value,...: a workload with exactly these labels",
            .value_name = "WORKLOAD"})
      .add({.name = "from",
            .target = flags::Setter([a](std::string_view v) -> std::string {
              a->from = std::string(v.starts_with("spiffe://") ? v.substr(9) : v);
              return "";
            }),
            .help = "the caller's mesh identity, cluster.local/ns/NS/sa/SA (its mTLS "
                    "certificate's URI SAN); absent: a plaintext caller",
            .value_name = "PRINCIPAL"})
      .add({.name = "method", .target = &a->method, .help = "the request's method"})
      .add({.name = "path", .target = &a->path, .help = "the request's path; may carry a query"})
      .add({.name = "host", .target = &a->host, .help = "the Host (:authority); none by default"})
      .add({.name = "header",
            .target = flags::Setter([a](std::string_view v) -> std::string {
              const size_t eq = v.find('=');
              if (eq == std::string_view::npos || eq == 0) return "needs NAME=VALUE";
              a->headers.emplace_back(lower(std::string(v.substr(0, eq))), v.substr(eq + 1));
              return "";
            }),
            .help = "a request header (repeatable); x-forwarded-for sets the remote IP",
            .value_name = "K=V"})
      .add({.name = "claims",
            .target = &a->claims_file,
            .help = "the payload of the request's JWT (JSON): verified when a JWT rule of a "
                    "RequestAuthentication that applies has its issuer (and audience); refused "
                    "(DENY, 401) when rules apply but none does; ignored when none applies",
            .value_name = "FILE"})
      .add({.name = "token-invalid",
            .target = &a->token_invalid,
            .help = "the request carries a token that does not verify (401 when a "
                    "RequestAuthentication applies)"})
      .add({.name = "port",
            .target = &a->port,
            .help = "the inbound port; a TCP port runs the network RBAC filters",
            .min = 1,
            .default_text = "the first of the workload's Sidecar ingress ports, else of its "
                            "services' ports, else 80"})
      .add({.name = "source-ip",
            .target = &a->source_ip,
            .help = "the caller's address (default: none, so ipBlocks never match)",
            .value_name = "IP"})
      .add({.name = "destination-ip",
            .target = &a->destination_ip,
            .help = "the workload's address (default: the Pod or WorkloadEntry address)",
            .value_name = "IP"})
      .add({.name = "sni",
            .target = &a->sni,
            .help = "the TLS server name the caller sent (default: none)"});
  add_mesh_config_flag(set, &a->mesh_config, "the MeshConfig (default: as jibd finds it)");
  add_output_flag(set, format);
  set.footer(kFooter);
  return set;
}

// What the flags cannot check one by one; "" when all is well.
std::string check_args(const CheckArgs& a) {
  if (a.config.empty()) return "--config is required";
  if (a.to.empty()) return "--to is required";
  if (!a.claims_file.empty() && a.token_invalid) return "--claims and --token-invalid conflict";
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
    if (args.port != 0 && inbound.port.number != static_cast<uint32_t>(args.port)) continue;
    report->port = inbound.port.number;
    report->http = xds::is_http_protocol(inbound.port);
    return;
  }
  report->port = args.port != 0 ? static_cast<uint32_t>(args.port) : 80;
  report->http = true;
  report->notes.push_back(args.port != 0
                              ? "port " + std::to_string(report->port) +
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

int run_authz(const std::vector<std::string>& args) {
  constexpr std::string_view kProgram = "jibctl authz check";
  CheckArgs parsed;
  std::string format = "text";
  const flags::FlagSet set = check_flags(&parsed, &format);
  const flags::ParseResult result = set.parse(args);
  if (auto code = flags::exit_code(result, set, kProgram)) return *code;
  if (result.positional != std::vector<std::string>{"check"}) {
    return flags::usage_error(set, "jibctl authz", "the only subcommand is check");
  }
  if (std::string message = check_args(parsed); !message.empty()) {
    return flags::usage_error(set, kProgram, message);
  }
  return check(parsed, format);
}

}  // namespace jib::ctl
