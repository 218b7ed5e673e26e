// Checks of single field values that Istio's validation applies across kinds: each returns why
// the value is invalid, or "" when it is valid.
#pragma once

#include <string>
#include <string_view>

namespace jib::mesh {

// Building blocks, exposed for other kinds and for tests. Each returns an empty string when
// the value is valid, else the reason it is not.
std::string check_dns1123_label(std::string_view value);
std::string check_dns1123_subdomain(std::string_view value);
// A host as Istio accepts it: FQDN or short name, optional leading "*" label (or "*" alone).
std::string check_wildcard_host(std::string_view host);
// Compiles under RE2 with Envoy's default program-size limit (100).
std::string check_regex(std::string_view regex);
std::string check_header_name(std::string_view name);
bool is_ip_address(std::string_view value);
// An IP address or an address/prefix-length CIDR.
bool is_ip_or_cidr(std::string_view value);

}  // namespace jib::mesh
