// Workload identities: Kubernetes service accounts and their SPIFFE IDs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jib::ca {

struct ServiceAccount {
  std::string ns;
  std::string name;
  bool operator==(const ServiceAccount&) const = default;
};

// "spiffe://<trust-domain>/ns/<ns>/sa/<sa>".
std::string spiffe_id(std::string_view trust_domain, const ServiceAccount& sa);

// Parses "system:serviceaccount:<ns>:<sa>" (the Kubernetes user name of a service account).
std::optional<ServiceAccount> parse_k8s_username(std::string_view username);

// Parses a SPIFFE ID of this mesh; nullopt when malformed or of another trust domain.
std::optional<ServiceAccount> parse_spiffe_id(std::string_view uri, std::string_view trust_domain);

// True for a DNS-label-like name as Kubernetes allows for namespaces and service accounts.
bool is_valid_k8s_name(std::string_view name);

}  // namespace jib::ca
