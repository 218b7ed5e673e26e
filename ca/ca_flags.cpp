// --ca-* flags for CaServerOptions, so cmd/jibd and the test server share one spelling.
#include <charconv>
#include <functional>
#include <map>

#include "ca/ca_server.h"

namespace jib::ca {
namespace {

bool parse_duration(std::string_view v, std::chrono::seconds* out) {
  if (v.empty()) return false;
  int64_t mult = 1;
  switch (v.back()) {
    case 's':
      mult = 1;
      v.remove_suffix(1);
      break;
    case 'm':
      mult = 60;
      v.remove_suffix(1);
      break;
    case 'h':
      mult = 3600;
      v.remove_suffix(1);
      break;
    case 'd':
      mult = 86400;
      v.remove_suffix(1);
      break;
    default:
      break;
  }
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < 0) return false;
  *out = std::chrono::seconds(n * mult);
  return true;
}

std::vector<std::string> split_list(std::string_view v) {
  std::vector<std::string> out;
  while (!v.empty()) {
    auto comma = v.find(',');
    auto item = v.substr(0, comma);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return out;
}

struct Flag {
  const char* help;
  std::function<bool(std::string_view, CaServerOptions*)> set;
};

auto str(std::string CaServerOptions::*m) {
  return [m](std::string_view v, CaServerOptions* o) {
    o->*m = std::string(v);
    return true;
  };
}
auto dur(std::chrono::seconds CaServerOptions::*m) {
  return [m](std::string_view v, CaServerOptions* o) { return parse_duration(v, &(o->*m)); };
}

const std::map<std::string, Flag, std::less<>>& flags() {
  static const std::map<std::string, Flag, std::less<>> kFlags = {
      {"listen-address",
       {"address the CA gRPC server binds (default 0.0.0.0)",
        str(&CaServerOptions::listen_address)}},
      {"port",
       {"CA gRPC TLS port, 0 for any free one (default 15012)",
        [](std::string_view v, CaServerOptions* o) {
          auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), o->port);
          return ec == std::errc() && p == v.data() + v.size() && o->port >= 0 && o->port < 65536;
        }}},
      {"trust-domain",
       {"SPIFFE trust domain (default cluster.local)", str(&CaServerOptions::trust_domain)}},
      {"state-dir",
       {"directory for the self-signed root and serving certificate",
        str(&CaServerOptions::state_dir)}},
      {"cacerts-dir",
       {"plugged-in CA directory (ca-cert.pem, ca-key.pem, root-cert.pem, "
        "cert-chain.pem); self-signed when empty",
        str(&CaServerOptions::cacerts_dir)}},
      {"root-key-type",
       {"self-signed root key: ec, ec384, rsa2048, rsa4096 (default ec)",
        [](std::string_view v, CaServerOptions* o) {
          if (v != "ec" && v != "ec384" && v != "rsa2048" && v != "rsa3072" && v != "rsa4096") {
            return false;
          }
          o->root_key_type = std::string(v);
          return true;
        }}},
      {"root-ttl",
       {"lifetime of a self-signed root (default 3650d)", dur(&CaServerOptions::root_ttl)}},
      {"root-renew-before",
       {"renew the self-signed root when it has less than this left "
        "(default 365d)",
        dur(&CaServerOptions::root_renew_before)}},
      {"root-trust-lead",
       {"how long a new self-signed root is trusted before it signs (default 10m)",
        dur(&CaServerOptions::root_trust_lead)}},
      {"default-cert-ttl",
       {"workload certificate lifetime when none is asked (default 24h)",
        dur(&CaServerOptions::default_cert_ttl)}},
      {"max-cert-ttl",
       {"longest workload certificate lifetime granted (default 90d)",
        dur(&CaServerOptions::max_cert_ttl)}},
      {"check-interval",
       {"how often rotation and renewal are checked (default 60s)",
        dur(&CaServerOptions::check_interval)}},
      {"serving-sans",
       {"replaces the serving certificate's DNS names (comma-separated)",
        [](std::string_view v, CaServerOptions* o) {
          o->serving_sans = split_list(v);
          return true;
        }}},
      {"extra-serving-sans",
       {"more serving certificate DNS names or IPs, e.g. "
        "localhost,127.0.0.1",
        [](std::string_view v, CaServerOptions* o) {
          o->extra_serving_sans = split_list(v);
          return true;
        }}},
      {"serving-cert-ttl",
       {"serving certificate lifetime (default 24h)", dur(&CaServerOptions::serving_cert_ttl)}},
      {"token-audience",
       {"audience required of bearer tokens (default istio-ca)",
        str(&CaServerOptions::token_audience)}},
      {"token-review-url",
       {"TokenReview URL; enables the TokenReview authenticator",
        str(&CaServerOptions::token_review_url)}},
      {"token-review-token-file",
       {"bearer token file for TokenReview calls", str(&CaServerOptions::token_review_token_file)}},
      {"token-review-ca-file",
       {"PEM roots for the TokenReview server", str(&CaServerOptions::token_review_ca_file)}},
      {"token-review-cache-ttl",
       {"how long accepted reviews are reused (default 30s)",
        dur(&CaServerOptions::token_review_cache_ttl)}},
      {"jwt-issuer",
       {"issuer of locally verified JWTs; enables the JWT authenticator",
        str(&CaServerOptions::jwt_issuer)}},
      {"jwt-jwks-file",
       {"JWKS file for locally verified JWTs", str(&CaServerOptions::jwt_jwks_file)}},
      {"client-cert-auth",
       {"accept mesh SVID client certificates for renewal (default true)",
        [](std::string_view v, CaServerOptions* o) {
          if (v != "true" && v != "false") return false;
          o->client_cert_auth = v == "true";
          return true;
        }}},
  };
  return kFlags;
}

}  // namespace

bool parse_ca_flag(std::string_view arg, CaServerOptions* options, std::string* error) {
  error->clear();
  constexpr std::string_view kPrefix = "--ca-";
  if (arg.substr(0, kPrefix.size()) != kPrefix) return false;
  auto body = arg.substr(kPrefix.size());
  auto eq = body.find('=');
  auto name = body.substr(0, eq);
  auto it = flags().find(name);
  if (it == flags().end()) {
    *error = "unknown flag --ca-" + std::string(name);
    return false;
  }
  if (eq == std::string_view::npos) {
    *error = "flag --ca-" + std::string(name) + " needs =<value>";
    return false;
  }
  if (!it->second.set(body.substr(eq + 1), options)) {
    *error = "bad value for --ca-" + std::string(name) + ": " + std::string(body.substr(eq + 1));
    return false;
  }
  return true;
}

bool parse_ca_flags(const std::vector<std::string>& args, CaServerOptions* options,
                    std::vector<std::string>* unknown, std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg.substr(0, 5) != "--ca-") {
      unknown->push_back(args[i]);
      continue;
    }
    std::string joined(arg);
    if (arg.find('=') == std::string_view::npos && i + 1 < args.size() &&
        args[i + 1].substr(0, 2) != "--") {
      joined += "=" + args[++i];
    }
    if (!parse_ca_flag(joined, options, error)) {
      if (error->empty()) *error = "bad flag " + joined;
      return false;
    }
  }
  return true;
}

std::string ca_flags_help() {
  std::string out;
  for (const auto& [name, flag] : flags()) {
    out += "  --ca-" + name + "=...  " + flag.help + "\n";
  }
  return out;
}

}  // namespace jib::ca
