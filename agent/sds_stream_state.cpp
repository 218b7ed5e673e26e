#include "agent/sds_stream_state.h"

#include <vector>

#include "agent/sds_resources.h"

namespace jib::agent {

std::optional<envoy::service::discovery::v3::DiscoveryResponse> SdsStreamState::next_response(
    const Svid* svid, const std::string& trust_bundle) {
  if (!watch_.subscribed()) return std::nullopt;
  std::vector<std::string> names(watch_.names().begin(), watch_.names().end());
  std::vector<TlsSecret> secrets = build_secrets(names, svid, trust_bundle);
  if (secrets.empty()) return std::nullopt;
  std::string version = secrets_version(secrets);
  if (!watch_.should_send(version)) return std::nullopt;
  std::string nonce = std::to_string(++nonce_counter_);
  watch_.sent(version, nonce);
  return make_response(secrets, version, nonce);
}

}  // namespace jib::agent
