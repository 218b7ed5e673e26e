// One ADS stream (state of the world): the proxy on it, what it watches, and its send path.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "envoy/service/discovery/v3/discovery.pb.h"
#include "xds/protocol/sotw_watch.h"
#include "xds/serve/credentials_gate.h"
#include "xds/serve/push_context.h"
#include "xds/serve/stream_authorizer.h"
#include "xds/serve/xds_metrics.h"
#include "xds/translate/proxy.h"
#include "xds/translate/type_urls.h"

namespace jib::xds {

class AdsStream;

// What a stream needs from the server that fans pushes out to it (AdsServer), so that the
// stream does not depend on the server.
class AdsStreamHost {
 public:
  virtual ~AdsStreamHost() = default;
  // The push context that new subscriptions are answered from.
  virtual PushContextPtr current() const = 0;
  virtual XdsMetrics& metrics() = 0;
  // The stream registers before its first read, so that it misses no push. False when the host
  // serves as many streams as it may: the stream then ends with RESOURCE_EXHAUSTED.
  virtual bool add(const std::shared_ptr<AdsStream>& stream) = 0;
  virtual void remove(const AdsStream* stream) = 0;
  // A stream serves this proxy (its node accepted, or its cache key changed since).
  virtual void identified(const Proxy& proxy) = 0;
  // A stream no longer serves this proxy (it ended, or the proxy's cache key changed).
  virtual void released(const Proxy& proxy) = 0;
};

// What a port checks besides the protocol: nothing on the plaintext port; on the secure port
// who the caller is (admission) and whether it may have its namespace's credentials' keys.
struct StreamSecurity {
  const StreamAuthorizer* authorizer = nullptr;
  CredentialsGate* credentials = nullptr;
};

using DiscoveryRequest = envoy::service::discovery::v3::DiscoveryRequest;
using DiscoveryResponse = envoy::service::discovery::v3::DiscoveryResponse;

// Works on raw bytes (the generic gRPC API) so that responses reference the shared,
// pre-serialized resources instead of copying them into a message per connection.
class AdsStream : public grpc::ServerGenericBidiReactor {
 public:
  // Starts reading at once. The stream keeps itself alive until OnDone. With an authorizer,
  // the credentials are checked against the node of the first request.
  // log_budget: what the stream's client may make jibd log (log::peer_budget).
  static std::shared_ptr<AdsStream> start(AdsStreamHost& host, StreamSecurity security,
                                          std::optional<PeerCredentials> credentials,
                                          std::shared_ptr<log::LineBudget> log_budget);

  // Sends every watched type whose resources differ in the context from what was last sent.
  // Called on the push thread; never blocks on the network.
  void push(const PushContextPtr& context);

  // The /debug/syncz row of this stream, or null before the proxy identified itself.
  nlohmann::json sync_status() const;

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override;

  AdsStream(AdsStreamHost& host, StreamSecurity security,
            std::optional<PeerCredentials> credentials,
            std::shared_ptr<log::LineBudget> log_budget = std::make_shared<log::LineBudget>());

 private:
  void handle(const DiscoveryRequest& request);
  // Builds the response for a type from the resources and queues it. Caller holds mutex_.
  void respond_locked(ResourceType type, const ResourcesPtr& all);
  // The resources of a type for the proxy; before SDS, asks again whether the proxy may have
  // its namespace's credentials' keys. Caller holds mutex_.
  ResourcesPtr resources_locked(const PushContext& context, ResourceType type);
  // Starts the next write, or finishes the call once reads are closed and nothing is queued.
  void pump();
  void finish(grpc::Status status);
  SotwWatch& watch(ResourceType type) { return watches_[static_cast<size_t>(type)]; }

  AdsStreamHost& host_;
  StreamSecurity security_;
  std::optional<PeerCredentials> credentials_;
  std::shared_ptr<AdsStream> self_;  // released in OnDone
  grpc::ByteBuffer request_;         // owned by the pending read

  // What this stream's client can make jibd log.
  std::shared_ptr<log::LineBudget> log_budget_;

  mutable std::mutex mutex_;
  std::optional<Proxy> proxy_;
  std::array<SotwWatch, kPushOrder.size()> watches_;
  uint64_t nonce_counter_ = 0;
  // At most one queued response per type: a newer one replaces an unsent older one, so a
  // slow proxy costs a bounded amount of memory and gets only the newest config.
  std::deque<ResourceType> queue_order_;
  std::array<std::optional<grpc::ByteBuffer>, kPushOrder.size()> queued_;
  grpc::ByteBuffer in_flight_;
  bool writing_ = false;
  bool reads_closed_ = false;
  bool finished_ = false;
  grpc::Status final_status_;
};

}  // namespace jib::xds
