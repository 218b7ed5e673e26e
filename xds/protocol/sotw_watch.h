// The state-of-the-world xDS protocol for one resource type on one stream, apart from gRPC so
// that tests can drive it and both jibd's ADS streams and the agent's SDS streams share it.
//
// As Envoy's xDS clients and istiod expect:
// - a request without a nonce (re)subscribes and is answered, even with unchanged names;
// - a request whose nonce is not the last one sent answers a response already replaced: stale,
//   ignored;
// - a NACK (error_detail) is recorded and not answered, so that rejected content is never
//   resent in a loop; the next content change is sent. A NACK that also changes the names is
//   answered for the new names (Envoy sends one request with both when they coincide);
// - an ACK with the names of the current subscription needs no answer; with other names it
//   resubscribes and is answered even when the content did not change.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "envoy/service/discovery/v3/discovery.pb.h"

namespace jib::xds {

class SotwWatch {
 public:
  enum class RequestKind { kSubscribe, kResubscribe, kAck, kNack, kStale };

  struct Nack {
    std::string version;  // the version that was rejected
    std::string message;  // error_detail.message
  };

  // empty_means_all: an empty subscription is a wildcard (Envoy's CDS and LDS).
  explicit SotwWatch(bool empty_means_all = false) : empty_means_all_(empty_means_all) {}

  // Takes one request for this type into account and says what it was.
  RequestKind on_request(const envoy::service::discovery::v3::DiscoveryRequest& request);

  // Whether content of this version is to be sent now: a (re)subscription is unanswered, or
  // the content differs from what was last sent (also after a NACK of the old content).
  bool should_send(std::string_view content_version) const;
  // Records a response as sent (queued); answers any pending (re)subscription.
  void sent(std::string version, std::string nonce);

  bool subscribed() const { return subscribed_; }
  // A (re)subscription waits for its response.
  bool unanswered() const { return unanswered_; }
  // True when every resource of the type is asked for (empty names on a wildcard type, or "*").
  bool wildcard() const;
  // Whether a resource of this name belongs in responses to this watch.
  bool wants(const std::string& name) const { return wildcard() || names_.count(name) > 0; }
  const std::set<std::string>& names() const { return names_; }

  const std::string& sent_version() const { return sent_version_; }
  const std::string& sent_nonce() const { return sent_nonce_; }
  const std::string& acked_version() const { return acked_version_; }
  // The last NACK since the last ACK; empty message when none.
  const Nack& nack() const { return nack_; }

 private:
  bool empty_means_all_;
  bool subscribed_ = false;
  bool unanswered_ = false;
  std::set<std::string> names_;
  std::string sent_version_, sent_nonce_, acked_version_;
  Nack nack_;
};

}  // namespace jib::xds
