// The REST resources jibd reads and writes, and the mapping from the mesh's kinds to them.
#pragma once

#include <optional>
#include <string_view>

#include "k8s/kube_client.h"

namespace jib::k8s::resources {

Resource namespaces();
Resource services();
Resource endpoint_slices();
Resource pods();
Resource service_accounts();
Resource config_maps();
Resource secrets();
Resource leases();
Resource token_reviews();
Resource subject_access_reviews();

// The resource that serves a kind of the mesh's kind registry in its group, at the preferred
// version (the newest the registry accepts that Istio serves). nullopt for kinds that jibd
// does not watch by kind alone (Secret, ConfigMap: those are watched with selectors).
std::optional<Resource> for_kind(std::string_view kind, std::string_view group,
                                 std::string_view version);

// The lower-case plural that names a kind's collection: "ServiceEntry" -> "serviceentries".
std::string plural_of(std::string_view kind);

}  // namespace jib::k8s::resources
