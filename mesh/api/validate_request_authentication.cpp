#include <cctype>

#include "mesh/api/jwks.h"
#include "mesh/api/validate.h"
#include "mesh/api/validate_policy_target.h"

namespace jib::mesh::detail {
namespace {

// An absolute http(s) URL with a host, as Istio needs to fetch the key set.
std::string check_jwks_uri(const std::string& uri) {
  if (uri.size() > 2048) return "longer than 2048 characters";
  size_t scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return "\"" + uri + "\" is not a URL (expected https://...)";
  std::string scheme = uri.substr(0, scheme_end);
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") {
    return "scheme \"" + scheme + "\" is not supported (expected http or https)";
  }
  std::string rest = uri.substr(scheme_end + 3);
  std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  std::string host = authority;
  std::string port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return "unterminated IPv6 address in \"" + uri + "\"";
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return "invalid host in \"" + uri + "\"";
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return "\"" + uri + "\" has no host";
  for (char c : uri) {
    if (c == ' ' || c == '\t' || c == '\n') return "\"" + uri + "\" contains white space";
  }
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      return "invalid port \"" + port + "\" in \"" + uri + "\"";
    }
  }
  return "";
}

void validate_rule(const JWTRule& rule, const std::string& path, Reporter& report) {
  if (rule.issuer.empty()) report(path + ".issuer", "required");
  for (size_t i = 0; i < rule.audiences.size(); ++i) {
    if (rule.audiences[i].empty()) {
      report(path + ".audiences[" + std::to_string(i) + "]", "must not be empty");
    }
  }
  if (!rule.jwks.empty() && !rule.jwks_uri.empty()) {
    report(path + ".jwks", "only one of jwks and jwksUri can be set");
  }
  if (!rule.jwks_uri.empty()) {
    if (auto reason = check_jwks_uri(rule.jwks_uri); !reason.empty()) {
      report(path + ".jwksUri", reason);
    }
  }
  if (!rule.jwks.empty()) {
    if (auto reason = check_jwks(rule.jwks); !reason.empty()) {
      report(path + ".jwks", "invalid JSON Web Key Set: " + reason);
    }
  }
  for (size_t i = 0; i < rule.from_headers.size(); ++i) {
    const std::string field = path + ".fromHeaders[" + std::to_string(i) + "].name";
    if (rule.from_headers[i].name.empty()) {
      report(field, "required");
    } else if (auto reason = check_header_token(rule.from_headers[i].name); !reason.empty()) {
      report(field, reason);
    }
  }
  for (size_t i = 0; i < rule.from_params.size(); ++i) {
    if (rule.from_params[i].empty()) {
      report(path + ".fromParams[" + std::to_string(i) + "]", "must not be empty");
    }
  }
  for (size_t i = 0; i < rule.from_cookies.size(); ++i) {
    if (rule.from_cookies[i].empty()) {
      report(path + ".fromCookies[" + std::to_string(i) + "]", "must not be empty");
    }
  }
  if (!rule.output_payload_to_header.empty()) {
    if (auto reason = check_header_token(rule.output_payload_to_header); !reason.empty()) {
      report(path + ".outputPayloadToHeader", reason);
    }
  }
  for (size_t i = 0; i < rule.output_claim_to_headers.size(); ++i) {
    const auto& c = rule.output_claim_to_headers[i];
    const std::string item = path + ".outputClaimToHeaders[" + std::to_string(i) + "]";
    if (c.claim.empty()) report(item + ".claim", "required");
    if (c.header.empty()) {
      report(item + ".header", "required");
    } else if (c.header.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789-_") != std::string::npos) {
      report(item + ".header",
             "header name \"" + c.header + "\" may only have letters, digits, '-' and '_'");
    }
  }
  if (rule.timeout) validate_duration(*rule.timeout, path + ".timeout", report);
}

}  // namespace

void validate_request_authentication(const RequestAuthentication& ra, Reporter& report) {
  validate_policy_scope(ra.scope, report);
  for (size_t i = 0; i < ra.jwt_rules.size(); ++i) {
    validate_rule(ra.jwt_rules[i], "spec.jwtRules[" + std::to_string(i) + "]", report);
  }
}

}  // namespace jib::mesh::detail
