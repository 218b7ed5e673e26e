#include "ca/identity.h"

namespace jib::ca {

std::string spiffe_id(std::string_view trust_domain, const ServiceAccount& sa) {
  std::string out = "spiffe://";
  out.append(trust_domain).append("/ns/").append(sa.ns).append("/sa/").append(sa.name);
  return out;
}

bool is_valid_k8s_name(std::string_view name) {
  // RFC 1123 subdomain: what Kubernetes accepts for service account names; namespaces are a
  // subset. Anything else cannot come from a real token and could smuggle path segments.
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return alnum(name.front()) && alnum(name.back());
}

std::optional<ServiceAccount> parse_k8s_username(std::string_view username) {
  constexpr std::string_view kPrefix = "system:serviceaccount:";
  if (username.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  auto rest = username.substr(kPrefix.size());
  auto colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  ServiceAccount sa{std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
  if (!is_valid_k8s_name(sa.ns) || !is_valid_k8s_name(sa.name)) return std::nullopt;
  return sa;
}

std::optional<ServiceAccount> parse_spiffe_id(std::string_view uri, std::string_view trust_domain) {
  std::string prefix = "spiffe://";
  prefix.append(trust_domain).append("/ns/");
  if (uri.substr(0, prefix.size()) != prefix) return std::nullopt;
  auto rest = uri.substr(prefix.size());
  auto sep = rest.find("/sa/");
  if (sep == std::string_view::npos) return std::nullopt;
  ServiceAccount sa{std::string(rest.substr(0, sep)), std::string(rest.substr(sep + 4))};
  if (!is_valid_k8s_name(sa.ns) || !is_valid_k8s_name(sa.name)) return std::nullopt;
  return sa;
}

}  // namespace jib::ca
