// One SDS stream of the agent: the shared state-of-the-world protocol (xds::SotwWatch) for the
// secret type, and the secrets it answers with, built from the agent's certificate and trust
// bundle. Nothing is sent while none of the names can be served yet (Envoy waits, as for an
// agent still fetching its first certificate).
#pragma once

#include <optional>
#include <string>

#include "agent/secret_store.h"
#include "envoy/service/discovery/v3/discovery.pb.h"
#include "xds/protocol/sotw_watch.h"

namespace jib::agent {

class SdsStreamState {
 public:
  using RequestKind = xds::SotwWatch::RequestKind;

  // Takes one request from Envoy into account.
  RequestKind on_request(const envoy::service::discovery::v3::DiscoveryRequest& request) {
    return watch_.on_request(request);
  }

  // The response to send now, if any (see xds::SotwWatch::should_send).
  std::optional<envoy::service::discovery::v3::DiscoveryResponse> next_response(
      const Svid* svid, const std::string& trust_bundle);

  const xds::SotwWatch& watch() const { return watch_; }

 private:
  xds::SotwWatch watch_;
  unsigned long nonce_counter_ = 0;
};

}  // namespace jib::agent
