#include "xds/protocol/sotw_watch.h"

namespace jib::xds {

SotwWatch::RequestKind SotwWatch::on_request(
    const envoy::service::discovery::v3::DiscoveryRequest& request) {
  const bool has_nonce = !request.response_nonce().empty();
  if (has_nonce && request.response_nonce() != sent_nonce_) return RequestKind::kStale;
  std::set<std::string> names(request.resource_names().begin(), request.resource_names().end());
  if (has_nonce && request.has_error_detail()) {
    nack_ = {sent_version_, request.error_detail().message()};
    if (names != names_) {
      names_ = std::move(names);
      unanswered_ = true;
    }
    return RequestKind::kNack;
  }
  RequestKind kind = RequestKind::kSubscribe;
  if (has_nonce) {
    acked_version_ = request.version_info();
    nack_ = {};
    if (subscribed_ && names == names_) return RequestKind::kAck;
    kind = RequestKind::kResubscribe;
  }
  subscribed_ = true;
  unanswered_ = true;
  names_ = std::move(names);
  return kind;
}

bool SotwWatch::should_send(std::string_view content_version) const {
  return subscribed_ && (unanswered_ || content_version != sent_version_);
}

void SotwWatch::sent(std::string version, std::string nonce) {
  unanswered_ = false;
  sent_version_ = std::move(version);
  sent_nonce_ = std::move(nonce);
}

bool SotwWatch::wildcard() const {
  return (empty_means_all_ && names_.empty()) || names_.count("*") > 0;
}

}  // namespace jib::xds
