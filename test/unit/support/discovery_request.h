// A state-of-the-world DiscoveryRequest as Envoy sends it, for protocol tests.
#pragma once

#include <string>
#include <vector>

#include "envoy/service/discovery/v3/discovery.pb.h"

namespace jib::testing {

inline envoy::service::discovery::v3::DiscoveryRequest discovery_request(
    const std::vector<std::string>& names, const std::string& version = "",
    const std::string& nonce = "", const std::string& type_url = "") {
  envoy::service::discovery::v3::DiscoveryRequest r;
  for (const auto& n : names) r.add_resource_names(n);
  r.set_version_info(version);
  r.set_response_nonce(nonce);
  r.set_type_url(type_url);
  return r;
}

}  // namespace jib::testing
