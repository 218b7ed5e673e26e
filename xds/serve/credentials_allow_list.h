// Who may read gateway credentials when jibd serves files: there is no RBAC to ask, so an
// explicit list of gateway service accounts (--gateway-service-accounts ns/sa,...) may read the
// credentials of their own namespace, and every other caller is refused.
#pragma once

#include <string>
#include <vector>

#include "xds/serve/credentials_authorizer.h"

namespace jib::xds {

// One authorizer allowing exactly `entries` ("namespace/serviceaccount"). Null with *error
// naming the entry when one is malformed. An empty list refuses everyone.
CredentialsAuthorizerPtr make_credentials_allow_list(const std::vector<std::string>& entries,
                                                     std::string* error);

}  // namespace jib::xds
