// The protocol state of one SDS stream (state of the world), apart from gRPC so that tests
// can drive it: which secrets Envoy asked for, the version and nonce last sent, ACK and NACK.
// As Envoy's SDS client expects: a request whose nonce is not the last one sent is stale and
// ignored; a NACK is recorded and not answered (the same secrets are never resent in a loop);
// new content, or a new set of names, is sent once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/secret_store.h"
#include "envoy/service/discovery/v3/discovery.pb.h"

namespace jib::agent {

class SdsStreamState {
 public:
  enum class RequestKind { kSubscribe, kAck, kNack, kStale };

  // Takes one request from Envoy into account.
  RequestKind on_request(const envoy::service::discovery::v3::DiscoveryRequest& request);

  // The response to send now, if any: when the secrets asked for differ from what was last
  // sent, or a new subscription is still unanswered. Nothing while none of the names can be
  // served yet (Envoy waits, as for an agent still fetching its first certificate).
  std::optional<envoy::service::discovery::v3::DiscoveryResponse> next_response(
      const Svid* svid, const std::string& trust_bundle);

  const std::vector<std::string>& names() const { return names_; }
  const std::string& sent_version() const { return sent_version_; }
  const std::string& acked_version() const { return acked_version_; }
  const std::string& nacked_version() const { return nacked_version_; }
  const std::string& last_nack_message() const { return nack_message_; }

 private:
  bool subscribed_ = false;
  bool must_respond_ = false;
  std::vector<std::string> names_;
  std::string sent_version_, acked_version_, nacked_version_, nack_message_;
  std::string last_nonce_;
  unsigned long nonce_counter_ = 0;
};

}  // namespace jib::agent
