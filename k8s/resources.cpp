#include "k8s/resources.h"

#include <cctype>
#include <string_view>

namespace jib::k8s {

std::string Resource::group_path() const {
  return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
}

std::string Resource::collection_path(const std::string& ns) const {
  if (!namespaced || ns.empty()) return group_path() + "/" + plural;
  return group_path() + "/namespaces/" + ns + "/" + plural;
}

std::string Resource::object_path(const std::string& ns, const std::string& name) const {
  return collection_path(ns) + "/" + name;
}

std::string Resource::api_version() const {
  return group.empty() ? version : group + "/" + version;
}

std::string Resource::str() const { return group.empty() ? plural : plural + "." + group; }

namespace resources {

Resource namespaces() { return {"", "v1", "namespaces", "Namespace", false}; }
Resource services() { return {"", "v1", "services", "Service", true}; }
Resource endpoint_slices() {
  return {"discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true};
}
Resource pods() { return {"", "v1", "pods", "Pod", true}; }
Resource service_accounts() { return {"", "v1", "serviceaccounts", "ServiceAccount", true}; }
Resource config_maps() { return {"", "v1", "configmaps", "ConfigMap", true}; }
Resource secrets() { return {"", "v1", "secrets", "Secret", true}; }
Resource leases() { return {"coordination.k8s.io", "v1", "leases", "Lease", true}; }
Resource token_reviews() {
  return {"authentication.k8s.io", "v1", "tokenreviews", "TokenReview", false};
}
Resource subject_access_reviews() {
  return {"authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", false};
}

std::string plural_of(std::string_view kind) {
  std::string lower;
  for (char c : kind) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // "policy" -> "policies", but "gateway" -> "gateways" (a vowel before the y).
  if (lower.size() >= 2 && lower.back() == 'y' &&
      std::string_view("aeiou").find(lower[lower.size() - 2]) == std::string_view::npos) {
    return lower.substr(0, lower.size() - 1) + "ies";
  }
  if (lower.ends_with("s")) return lower + "es";
  return lower + "s";
}

std::optional<Resource> for_kind(std::string_view kind, std::string_view group,
                                 std::string_view version) {
  if (group.empty()) {
    if (kind == "Service") return services();
    if (kind == "Pod") return pods();
    if (kind == "ServiceAccount") return service_accounts();
    if (kind == "Namespace") return namespaces();
    return std::nullopt;  // Secret, ConfigMap and unknown core kinds
  }
  if (group == "discovery.k8s.io") {
    if (kind == "EndpointSlice") return endpoint_slices();
    return std::nullopt;
  }
  return Resource{std::string(group), std::string(version), plural_of(kind), std::string(kind),
                  true};
}

}  // namespace resources
}  // namespace jib::k8s
