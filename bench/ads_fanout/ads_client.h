// One simulated Envoy sidecar: a state-of-the-world ADS stream on gRPC's callback API (no thread
// of its own). It subscribes to CDS and LDS (wildcard), then to EDS for the EDS clusters of CDS
// and to RDS for the route configs named by the listeners' HTTP connection managers, and ACKs
// every response as Envoy does.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "envoy/service/discovery/v3/ads.grpc.pb.h"

namespace jib::bench {

using Clock = std::chrono::steady_clock;
using envoy::service::discovery::v3::AggregatedDiscoveryService;
using envoy::service::discovery::v3::DiscoveryRequest;
using envoy::service::discovery::v3::DiscoveryResponse;

enum XdsType : int { kCds = 0, kEds = 1, kLds = 2, kRds = 3 };
inline constexpr int kXdsTypeCount = 4;
const char* TypeUrl(int type);
const char* TypeShortName(int type);

// How much of each response a client decodes. CDS and LDS are always decoded (the EDS and RDS
// subscriptions come from them); with kAll, EDS and RDS resources are decoded too and a resource
// that does not decode is NACKed, as Envoy would. kNeeded only reads their names and hashes
// their bytes, which keeps the client's CPU share low on a machine shared with jibd.
enum class ParseMode { kNeeded, kAll };

// State shared by all clients: what the driver waits on and the counters it reports.
struct FanoutShared {
  ParseMode parse = ParseMode::kNeeded;

  std::mutex mu;
  std::condition_variable cv;
  int synced = 0;   // clients that ACKed at least one response of each needed type
  int updated = 0;  // clients that received and ACKed a changed route config after arming
  int done = 0;     // streams that ended (OnDone)

  // Set right before the config change is written; RDS changes count only after it.
  std::atomic<bool> armed{false};
  std::atomic<int64_t> nacks_sent{0};
  std::array<std::atomic<int64_t>, kXdsTypeCount> responses{};
  std::array<std::atomic<int64_t>, kXdsTypeCount> bytes{};
  std::array<std::atomic<int64_t>, kXdsTypeCount> responses_after_arm{};
  std::array<std::atomic<int64_t>, kXdsTypeCount> bytes_after_arm{};

  // Increments one of the counters above under mu and wakes the driver.
  void Count(int FanoutShared::*counter);
};

// What one client saw; read by the driver once the phase it describes is over.
struct ClientReport {
  Clock::time_point started;
  std::optional<Clock::time_point> synced;
  std::optional<Clock::time_point> update_received;
  std::optional<Clock::time_point> update_acked;
  std::array<size_t, kXdsTypeCount> resources{};  // resources in the last response of each type
  std::array<int64_t, kXdsTypeCount> acks{};
  int64_t nacks = 0;
  std::string last_nack;
  bool finished = false;
  grpc::StatusCode status = grpc::StatusCode::OK;
  std::string status_message;
};

// Builds the Envoy node id for client `index`: sidecar~10.a.b.c~bench-<index>.bench~bench.svc...
std::string NodeId(int index);

class AdsClient final : public grpc::ClientBidiReactor<DiscoveryRequest, DiscoveryResponse> {
 public:
  AdsClient(int index, FanoutShared& shared);

  // Sends the initial CDS and LDS requests and starts the call. Call once.
  void Start(AggregatedDiscoveryService::Stub* stub);
  // Cancels the stream; OnDone follows on a gRPC thread.
  void Cancel() { context_.TryCancel(); }
  ClientReport Report() const;

 private:
  struct TypeState {
    std::vector<std::string> names;  // subscription; empty for CDS and LDS means wildcard
    bool subscribed = false;         // a request for this type has been sent
    std::string accepted_version;    // version_info of the last ACKed response
    int64_t acks = 0;                // ACK writes completed
  };
  struct Write {
    DiscoveryRequest request;
    int ack_type = -1;        // type whose response this request ACKs, -1 for a subscription
    bool update_ack = false;  // ACK of the first changed route config after arming
  };

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

  // Handle one response of each type; append the requests to send to `out`. Called with mu_.
  // Each returns an error text when the response is rejected (the caller NACKs it).
  std::string HandleClusters(const DiscoveryResponse& response, std::vector<Write>& out);
  std::string HandleListeners(const DiscoveryResponse& response, std::vector<Write>& out);
  std::string HandleEndpoints(const DiscoveryResponse& response);
  std::string HandleRoutes(const DiscoveryResponse& response, bool& changed);

  DiscoveryRequest Subscription(int type) const;  // called with mu_
  void Send(std::vector<Write> writes);           // called without mu_
  void MaybeSynced();                             // called with mu_

  const int index_;
  FanoutShared& shared_;
  grpc::ClientContext context_;
  DiscoveryResponse response_;  // target of the outstanding read

  mutable std::mutex mu_;
  std::array<TypeState, kXdsTypeCount> types_;
  std::unordered_map<std::string, uint64_t> route_hashes_;  // route config name -> hash
  std::deque<Write> queue_;
  Write current_;  // target of the outstanding write
  bool writing_ = false;
  bool first_request_ = true;
  bool waiting_update_ack_ = false;
  ClientReport report_;
};

}  // namespace jib::bench
