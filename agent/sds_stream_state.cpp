#include "agent/sds_stream_state.h"

#include "agent/sds_resources.h"

namespace jib::agent {

SdsStreamState::RequestKind SdsStreamState::on_request(
    const envoy::service::discovery::v3::DiscoveryRequest& request) {
  if (!request.response_nonce().empty() && request.response_nonce() != last_nonce_) {
    return RequestKind::kStale;
  }
  std::vector<std::string> names(request.resource_names().begin(), request.resource_names().end());
  bool changed = !subscribed_ || names != names_;
  subscribed_ = true;
  names_ = std::move(names);
  if (changed) must_respond_ = true;
  if (request.has_error_detail()) {
    nacked_version_ = sent_version_;
    nack_message_ = request.error_detail().message();
    return changed ? RequestKind::kSubscribe : RequestKind::kNack;
  }
  if (!request.response_nonce().empty()) acked_version_ = request.version_info();
  return changed ? RequestKind::kSubscribe : RequestKind::kAck;
}

std::optional<envoy::service::discovery::v3::DiscoveryResponse> SdsStreamState::next_response(
    const Svid* svid, const std::string& trust_bundle) {
  if (!subscribed_) return std::nullopt;
  std::vector<TlsSecret> secrets = build_secrets(names_, svid, trust_bundle);
  if (secrets.empty()) return std::nullopt;
  std::string version = secrets_version(secrets);
  if (!must_respond_ && version == sent_version_) return std::nullopt;
  must_respond_ = false;
  sent_version_ = version;
  last_nonce_ = std::to_string(++nonce_counter_);
  return make_response(secrets, version, last_nonce_);
}

}  // namespace jib::agent
