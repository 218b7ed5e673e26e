#include "bench/ads_fanout/ads_client.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <utility>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/config/route/v3/route.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"

namespace jib::bench {
namespace {

using envoy::config::cluster::v3::Cluster;
using envoy::config::endpoint::v3::ClusterLoadAssignment;
using envoy::config::listener::v3::Listener;
using envoy::config::route::v3::RouteConfiguration;
using envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;

constexpr std::array<const char*, kXdsTypeCount> kTypeUrls = {
    "type.googleapis.com/envoy.config.cluster.v3.Cluster",
    "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
    "type.googleapis.com/envoy.config.listener.v3.Listener",
    "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
};
constexpr std::array<const char*, kXdsTypeCount> kShortNames = {"CDS", "EDS", "LDS", "RDS"};

int TypeOf(std::string_view url) {
  for (int t = 0; t < kXdsTypeCount; ++t) {
    if (url == kTypeUrls[t]) return t;
  }
  return -1;
}

// Reads field 1 (string) of a serialized message without decoding the rest. Field 1 is the name
// of a Cluster, Listener and RouteConfiguration and the cluster_name of a ClusterLoadAssignment.
bool ReadNameField(const std::string& bytes, std::string* name) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  while (uint32_t tag = in.ReadTag()) {
    if (WireFormatLite::GetTagFieldNumber(tag) == 1 &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      return WireFormatLite::ReadString(&in, name);
    }
    if (!WireFormatLite::SkipField(&in, tag)) return false;
  }
  return false;
}

// FNV-1a; enough to tell two versions of one resource apart.
uint64_t HashBytes(std::string_view bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string CheckTypeUrls(const DiscoveryResponse& response) {
  for (const auto& any : response.resources()) {
    if (any.type_url() != response.type_url()) {
      return "resource type " + any.type_url() + " in a response of type " + response.type_url();
    }
  }
  return {};
}

void AddString(google::protobuf::Struct* s, const std::string& key, const std::string& value) {
  (*s->mutable_fields())[key].set_string_value(value);
}

}  // namespace

const char* TypeUrl(int type) { return kTypeUrls.at(type); }
const char* TypeShortName(int type) { return kShortNames.at(type); }

void FanoutShared::Count(int FanoutShared::*counter) {
  {
    std::lock_guard lock(mu);
    ++(this->*counter);
  }
  cv.notify_all();
}

std::string NodeId(int index) {
  const int a = 1 + index / 62500, b = (index / 250) % 250, c = 1 + index % 250;
  return "sidecar~10." + std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) +
         "~bench-" + std::to_string(index) + ".bench~bench.svc.cluster.local";
}

AdsClient::AdsClient(int index, FanoutShared& shared) : index_(index), shared_(shared) {}

void AdsClient::Start(AggregatedDiscoveryService::Stub* stub) {
  std::vector<Write> initial(2);
  {
    std::lock_guard lock(mu_);
    report_.started = Clock::now();
    types_[kCds].subscribed = true;
    types_[kLds].subscribed = true;
    initial[0].request = Subscription(kCds);
    initial[1].request = Subscription(kLds);
  }
  stub->async()->StreamAggregatedResources(&context_, this);
  Send(std::move(initial));
  StartRead(&response_);
  StartCall();
}

DiscoveryRequest AdsClient::Subscription(int type) const {
  DiscoveryRequest request;
  request.set_type_url(kTypeUrls[type]);
  request.set_version_info(types_[type].accepted_version);
  for (const auto& name : types_[type].names) request.add_resource_names(name);
  return request;
}

void AdsClient::Send(std::vector<Write> writes) {
  std::unique_lock lock(mu_);
  for (auto& w : writes) {
    if (first_request_) {
      // Like Envoy with set_node_on_first_message_only: the node goes in the first request only.
      first_request_ = false;
      auto* node = w.request.mutable_node();
      node->set_id(NodeId(index_));
      node->set_cluster("bench-" + std::to_string(index_) + ".bench");
      node->set_user_agent_name("envoy");
      auto* md = node->mutable_metadata();
      AddString(md, "NAMESPACE", "bench");
      AddString(md, "INTERCEPTION_MODE", "NONE");
      AddString(md, "NAME", "bench-" + std::to_string(index_));
      AddString(md, "CLUSTER_ID", "Kubernetes");
    }
    queue_.push_back(std::move(w));
  }
  if (writing_ || queue_.empty()) return;
  writing_ = true;
  current_ = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  StartWrite(&current_.request);
}

void AdsClient::OnWriteDone(bool ok) {
  std::unique_lock lock(mu_);
  if (!ok) {  // the stream is broken; OnDone follows
    writing_ = false;
    return;
  }
  if (current_.ack_type >= 0) {
    ++types_[current_.ack_type].acks;
    if (current_.update_ack && !report_.update_acked) {
      report_.update_acked = Clock::now();
      shared_.Count(&FanoutShared::updated);  // lock order: client mu_, then shared mu
    }
    MaybeSynced();
  }
  if (queue_.empty()) {
    writing_ = false;
    return;
  }
  current_ = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  StartWrite(&current_.request);
}

void AdsClient::MaybeSynced() {
  if (report_.synced) return;
  auto done = [&](int type, int parent) {
    if (types_[type].acks > 0) return true;
    // No EDS cluster in CDS (or no RDS name in LDS): nothing to wait for once the parent is ACKed.
    return types_[parent].acks > 0 && types_[type].names.empty();
  };
  if (types_[kCds].acks > 0 && types_[kLds].acks > 0 && done(kEds, kCds) && done(kRds, kLds)) {
    report_.synced = Clock::now();
    shared_.Count(&FanoutShared::synced);
  }
}

void AdsClient::OnReadDone(bool ok) {
  if (!ok) return;  // the server ended the stream; OnDone follows
  const auto now = Clock::now();
  const int type = TypeOf(response_.type_url());
  const bool armed = shared_.armed.load(std::memory_order_acquire);
  const int64_t size = static_cast<int64_t>(response_.ByteSizeLong());
  std::vector<Write> writes;
  {
    std::lock_guard lock(mu_);
    std::string error;
    bool route_changed = false;
    if (type < 0) {
      error = "unexpected type " + response_.type_url();
    } else {
      shared_.responses[type].fetch_add(1, std::memory_order_relaxed);
      shared_.bytes[type].fetch_add(size, std::memory_order_relaxed);
      if (armed) {
        shared_.responses_after_arm[type].fetch_add(1, std::memory_order_relaxed);
        shared_.bytes_after_arm[type].fetch_add(size, std::memory_order_relaxed);
      }
      error = CheckTypeUrls(response_);
      if (error.empty()) {
        switch (type) {
          case kCds:
            error = HandleClusters(response_, writes);
            break;
          case kLds:
            error = HandleListeners(response_, writes);
            break;
          case kEds:
            error = HandleEndpoints(response_);
            break;
          case kRds:
            error = HandleRoutes(response_, route_changed);
            break;
        }
      }
    }
    Write reply;
    reply.request.set_type_url(response_.type_url());
    reply.request.set_response_nonce(response_.nonce());
    if (error.empty()) {
      types_[type].accepted_version = response_.version_info();
      report_.resources[type] = static_cast<size_t>(response_.resources_size());
      reply.ack_type = type;
      if (armed && route_changed && !report_.update_received) {
        report_.update_received = now;
        reply.update_ack = true;
      }
    } else {
      ++report_.nacks;
      report_.last_nack = error;
      shared_.nacks_sent.fetch_add(1, std::memory_order_relaxed);
      reply.request.mutable_error_detail()->set_code(grpc::StatusCode::INVALID_ARGUMENT);
      reply.request.mutable_error_detail()->set_message(error);
    }
    if (type >= 0) {
      reply.request.set_version_info(types_[type].accepted_version);
      for (const auto& name : types_[type].names) reply.request.add_resource_names(name);
    }
    writes.push_back(std::move(reply));
  }
  Send(std::move(writes));
  StartRead(&response_);
}

std::string AdsClient::HandleClusters(const DiscoveryResponse& response, std::vector<Write>& out) {
  std::set<std::string> eds;
  Cluster cluster;
  for (const auto& any : response.resources()) {
    if (!any.UnpackTo(&cluster)) return "cannot decode a Cluster";
    if (cluster.type() == Cluster::EDS) {
      const auto& service = cluster.eds_cluster_config().service_name();
      eds.insert(service.empty() ? cluster.name() : service);
    }
  }
  std::vector<std::string> names(eds.begin(), eds.end());
  auto& state = types_[kEds];
  if (names != state.names || (!names.empty() && !state.subscribed)) {
    // Envoy asks for the endpoints of the new clusters before it ACKs the clusters.
    state.names = std::move(names);
    state.subscribed = true;
    Write w;
    w.request = Subscription(kEds);
    out.push_back(std::move(w));
  }
  return {};
}

std::string AdsClient::HandleListeners(const DiscoveryResponse& response, std::vector<Write>& out) {
  std::set<std::string> routes;
  Listener listener;
  HttpConnectionManager hcm;
  auto scan = [&](const envoy::config::listener::v3::FilterChain& chain) -> bool {
    for (const auto& filter : chain.filters()) {
      if (!filter.has_typed_config() || !filter.typed_config().Is<HttpConnectionManager>()) {
        continue;
      }
      if (!filter.typed_config().UnpackTo(&hcm)) return false;
      if (hcm.has_rds()) routes.insert(hcm.rds().route_config_name());
    }
    return true;
  };
  for (const auto& any : response.resources()) {
    if (!any.UnpackTo(&listener)) return "cannot decode a Listener";
    for (const auto& chain : listener.filter_chains()) {
      if (!scan(chain)) return "cannot decode the HttpConnectionManager of " + listener.name();
    }
    if (listener.has_default_filter_chain() && !scan(listener.default_filter_chain())) {
      return "cannot decode the HttpConnectionManager of " + listener.name();
    }
  }
  std::vector<std::string> names(routes.begin(), routes.end());
  auto& state = types_[kRds];
  if (names != state.names || (!names.empty() && !state.subscribed)) {
    state.names = std::move(names);
    state.subscribed = true;
    Write w;
    w.request = Subscription(kRds);
    out.push_back(std::move(w));
  }
  return {};
}

std::string AdsClient::HandleEndpoints(const DiscoveryResponse& response) {
  if (shared_.parse != ParseMode::kAll) return {};
  ClusterLoadAssignment cla;
  for (const auto& any : response.resources()) {
    if (!any.UnpackTo(&cla)) return "cannot decode a ClusterLoadAssignment";
  }
  return {};
}

std::string AdsClient::HandleRoutes(const DiscoveryResponse& response, bool& changed) {
  std::unordered_map<std::string, uint64_t> hashes;
  RouteConfiguration route;
  std::string name;
  for (const auto& any : response.resources()) {
    if (shared_.parse == ParseMode::kAll) {
      if (!any.UnpackTo(&route)) return "cannot decode a RouteConfiguration";
      name = route.name();
    } else if (!ReadNameField(any.value(), &name)) {
      return "cannot read the name of a RouteConfiguration";
    }
    hashes[name] = HashBytes(any.value());
  }
  // A route config that is new, gone or different counts as a change of content.
  changed = hashes != route_hashes_;
  route_hashes_ = std::move(hashes);
  return {};
}

void AdsClient::OnDone(const grpc::Status& status) {
  {
    std::lock_guard lock(mu_);
    report_.finished = true;
    report_.status = status.error_code();
    report_.status_message = status.error_message();
  }
  shared_.Count(&FanoutShared::done);
}

ClientReport AdsClient::Report() const {
  std::lock_guard lock(mu_);
  ClientReport r = report_;
  for (int t = 0; t < kXdsTypeCount; ++t) r.acks[t] = types_[t].acks;
  return r;
}

}  // namespace jib::bench
