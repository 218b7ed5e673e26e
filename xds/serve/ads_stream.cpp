#include "xds/serve/ads_stream.h"

#include "base/log.h"
#include "xds/serve/response_buffer.h"

namespace jib::xds {
namespace {

constexpr std::string_view kLog = "ads";
// Far more than a proxy of the largest meshes subscribes to (one name per cluster for EDS).
constexpr int kMaxResourceNames = 100'000;

// The resources of a type that a watch asks for: all for a wildcard watch, else by name.
std::vector<const Resource*> select(const Resources& all, const SotwWatch& watch) {
  std::vector<const Resource*> out;
  for (const Resource& r : all) {
    if (watch.wants(r.name)) out.push_back(&r);
  }
  return out;
}

// Secrets are served only to the proxies they belong to: say which were asked for in vain, by
// name only.
void log_unavailable_secrets(const Resources& available, const std::set<std::string>& names,
                             const std::string& proxy_id, log::LineBudget& budget) {
  for (const auto& name : names) {
    bool found = false;
    for (const auto& r : available) found = found || r.name == name;
    if (!found) {
      budget.warn(kLog, "secret ", log::clip(name), " not served to ", log::clip(proxy_id),
                  ": no such secret in the proxy's namespace, not for this kind of proxy, or a "
                  "key the caller may not read");
    }
  }
}

bool parse_request(const grpc::ByteBuffer& buffer, DiscoveryRequest* out) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  bytes.reserve(buffer.Length());
  for (const auto& slice : slices)
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return out->ParseFromString(bytes);
}

nlohmann::json watch_json(const SotwWatch& watch) {
  return {{"sent", watch.sent_version()},
          {"acked", watch.acked_version()},
          {"nack", watch.nack().message}};
}

}  // namespace

AdsStream::AdsStream(AdsStreamHost& host, StreamSecurity security,
                     std::optional<PeerCredentials> credentials,
                     std::shared_ptr<log::LineBudget> log_budget)
    : host_(host),
      security_(security),
      credentials_(std::move(credentials)),
      log_budget_(std::move(log_budget)) {
  for (ResourceType type : kPushOrder) watch(type) = SotwWatch(is_wildcard_type(type));
}

std::shared_ptr<AdsStream> AdsStream::start(AdsStreamHost& host, StreamSecurity security,
                                            std::optional<PeerCredentials> credentials,
                                            std::shared_ptr<log::LineBudget> log_budget) {
  auto stream =
      std::make_shared<AdsStream>(host, security, std::move(credentials), std::move(log_budget));
  stream->self_ = stream;
  if (!host.add(stream)) {
    stream->finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                "too many xDS streams on this control plane; try another replica"));
    return stream;
  }
  stream->StartRead(&stream->request_);
  return stream;
}

void AdsStream::OnReadDone(bool ok) {
  if (!ok) {
    {
      std::lock_guard lock(mutex_);
      reads_closed_ = true;
    }
    pump();
    return;
  }
  DiscoveryRequest request;
  if (parse_request(request_, &request)) {
    handle(request);
  } else {
    std::lock_guard lock(mutex_);
    reads_closed_ = true;
    final_status_ = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "malformed DiscoveryRequest");
  }
  pump();
  bool more;
  {
    std::lock_guard lock(mutex_);
    more = !finished_ && !reads_closed_;
  }
  // Outside the lock: a reaction may run before StartRead returns.
  if (more) StartRead(&request_);
}

void AdsStream::handle(const DiscoveryRequest& request) {
  auto type = type_from_url(request.type_url());
  std::lock_guard lock(mutex_);
  if (!proxy_) {
    Proxy proxy;
    std::string error;
    if (!request.has_node() || !parse_proxy(request.node(), &proxy, &error)) {
      if (error.empty()) error = "the first request of a stream must carry the node";
      log_budget_->warn(kLog, "refusing stream: ", error);
      reads_closed_ = true;
      final_status_ = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, error);
      return;
    }
    if (security_.authorizer) {
      grpc::Status verdict = security_.authorizer->authorize(*credentials_, proxy);
      credentials_.reset();  // a token is not kept longer than needed
      if (!verdict.ok()) {
        log_budget_->warn(kLog, "refusing stream of ", log::clip(proxy.id), ": ",
                          verdict.error_message());
        reads_closed_ = true;
        final_status_ = verdict;
        return;
      }
    }
    log::info(kLog, "proxy connected: ", log::clip(proxy.id));
    proxy.identity_verified = security_.authorizer != nullptr;
    proxy_ = std::move(proxy);
    host_.identified(*proxy_);
  }
  if (!type) {
    log::debug(kLog, log::clip(proxy_->id), ": ignoring request for unsupported type ",
               log::clip(request.type_url()));
    return;
  }
  if (request.resource_names_size() > kMaxResourceNames) {
    log_budget_->warn(kLog, "refusing stream of ", log::clip(proxy_->id), ": ",
                      request.resource_names_size(), " resource names in one request");
    reads_closed_ = true;
    final_status_ = grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        "more than " + std::to_string(kMaxResourceNames) + " resource names in one request");
    return;
  }
  SotwWatch& w = watch(*type);
  switch (w.on_request(request)) {
    case SotwWatch::RequestKind::kStale:  // answers a response already replaced
    case SotwWatch::RequestKind::kAck:
      return;
    case SotwWatch::RequestKind::kNack:
      host_.metrics().reject(*type).inc();
      host_.metrics().total_rejects.inc();
      log_budget_->error(kLog, "NACK from ", log::clip(proxy_->id), " for ", short_name(*type),
                         " version ", log::clip(w.nack().version), ": ",
                         log::clip(w.nack().message));
      // Never resend the same thing: the next change will push again. A NACK that also
      // changed the names is answered for the new subscription.
      if (!w.unanswered()) return;
      break;
    case SotwWatch::RequestKind::kSubscribe:
    case SotwWatch::RequestKind::kResubscribe:
      break;
  }
  ResourcesPtr all = resources_locked(*host_.current(), *type);
  if (*type == ResourceType::kSecret) {
    log_unavailable_secrets(*all, w.names(), proxy_->id, *log_budget_);
  }
  respond_locked(*type, all);
}

ResourcesPtr AdsStream::resources_locked(const PushContext& context, ResourceType type) {
  if (type == ResourceType::kSecret) {
    // Through the authorizer's cache: a cache miss may ask the API server here, on the push
    // thread or this stream's gRPC thread, bounded by the client's timeout.
    const bool allowed =
        security_.credentials && security_.credentials->allows(*proxy_, watch(type));
    if (allowed != proxy_->credentials_allowed) {
      // Another cache key: the server counts the proxy under the new one.
      const Proxy before = *proxy_;
      proxy_->credentials_allowed = allowed;
      host_.identified(*proxy_);
      host_.released(before);
    }
  }
  return context.resources(type, *proxy_);
}

void AdsStream::respond_locked(ResourceType type, const ResourcesPtr& all) {
  SotwWatch& w = watch(type);
  std::vector<const Resource*> selected = select(*all, w);

  DiscoveryResponse header;
  header.set_type_url(std::string(type_url(type)));
  header.set_version_info(version_of(selected));
  header.set_nonce(std::to_string(++nonce_counter_));
  w.sent(header.version_info(), header.nonce());

  auto& slot = queued_[static_cast<size_t>(type)];
  if (!slot) queue_order_.push_back(type);
  slot = response_buffer(header.SerializeAsString(), selected, all);
}

void AdsStream::push(const PushContextPtr& context) {
  {
    std::lock_guard lock(mutex_);
    if (!proxy_ || finished_ || reads_closed_) return;
    bool clusters_sent = false;
    for (ResourceType type : kPushOrder) {
      SotwWatch& w = watch(type);
      if (!w.subscribed()) continue;
      ResourcesPtr all = resources_locked(*context, type);
      // A changed cluster is rebuilt by Envoy and warms until it gets its endpoints again,
      // even when they did not change: so endpoints always follow clusters, as istiod does.
      const bool refresh = type == ResourceType::kEndpoint && clusters_sent;
      if (!refresh && !w.should_send(version_of(select(*all, w)))) continue;
      respond_locked(type, all);
      if (type == ResourceType::kCluster) clusters_sent = true;
    }
  }
  pump();
}

void AdsStream::pump() {
  std::unique_lock lock(mutex_);
  if (writing_ || finished_) return;
  if (queue_order_.empty()) {
    if (!reads_closed_) return;
    lock.unlock();
    finish(final_status_);
    return;
  }
  ResourceType type = queue_order_.front();
  queue_order_.pop_front();
  in_flight_.Swap(&*queued_[static_cast<size_t>(type)]);
  queued_[static_cast<size_t>(type)].reset();
  writing_ = true;
  host_.metrics().push(type).inc();
  lock.unlock();
  StartWrite(&in_flight_);
}

void AdsStream::OnWriteDone(bool ok) {
  {
    std::lock_guard lock(mutex_);
    writing_ = false;
    in_flight_.Clear();
    if (!ok) reads_closed_ = true;  // the stream is broken; stop sending
  }
  pump();
}

void AdsStream::finish(grpc::Status status) {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
  }
  Finish(std::move(status));
}

void AdsStream::OnDone() {
  {
    std::lock_guard lock(mutex_);
    if (proxy_) {
      log::info(kLog, "proxy disconnected: ", log::clip(proxy_->id));
      host_.released(*proxy_);
    }
  }
  host_.remove(this);
  self_.reset();  // may delete this
}

nlohmann::json AdsStream::sync_status() const {
  std::lock_guard lock(mutex_);
  if (!proxy_) return nullptr;
  nlohmann::json row = {{"proxy", proxy_->id}};
  for (ResourceType type : kPushOrder) {
    row[std::string(short_name(type))] = watch_json(watches_[static_cast<size_t>(type)]);
  }
  return row;
}

}  // namespace jib::xds
