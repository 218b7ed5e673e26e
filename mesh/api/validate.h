// Istio's validation rules for the kinds Jib knows, applied to typed objects.
#pragma once

#include <string_view>

#include "mesh/api/config_error.h"
#include "mesh/api/config_object.h"

namespace jib::mesh {

// Every problem of the object (not only the first). Lines come from `lines` when given,
// falling back to the nearest enclosing field and then to the object's own line.
ConfigErrors validate(const ConfigObject& object, const FieldLines* lines = nullptr);

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
