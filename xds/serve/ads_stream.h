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
  // The proxy on a stream, once its node is known and accepted.
  virtual void identified(const Proxy& proxy) = 0;
  // The stream is done; proxy: the proxy it served, if it got that far.
  virtual void remove(const AdsStream* stream, const std::optional<Proxy>& proxy) = 0;
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
  static std::shared_ptr<AdsStream> start(AdsStreamHost& host, const StreamAuthorizer* authorizer,
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

  AdsStream(AdsStreamHost& host, const StreamAuthorizer* authorizer,
            std::optional<PeerCredentials> credentials,
            std::shared_ptr<log::LineBudget> log_budget = std::make_shared<log::LineBudget>());

 private:
  void handle(const DiscoveryRequest& request);
  // Builds the response for a type from the resources and queues it. Caller holds mutex_.
  void respond_locked(ResourceType type, const ResourcesPtr& all);
  // Starts the next write, or finishes the call once reads are closed and nothing is queued.
  void pump();
  void finish(grpc::Status status);
  SotwWatch& watch(ResourceType type) { return watches_[static_cast<size_t>(type)]; }

  AdsStreamHost& host_;
  const StreamAuthorizer* authorizer_;
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
