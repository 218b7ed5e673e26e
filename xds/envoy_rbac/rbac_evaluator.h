// Envoy's RBAC semantics, for answering "would Envoy allow this?" from the very RBAC config
// that Jib sends (jibctl authz check, tests). Implements the matchers Jib's policies compile to
// (xds/translate/authz/rbac_matchers.h) and a few close relatives; any other matcher throws
// UnsupportedMatcher rather than guess.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "envoy/config/core/v3/base.pb.h"
#include "envoy/config/rbac/v3/rbac.pb.h"

namespace jib::xds::authz {

// What RBAC sees of one HTTP request, or of one TCP connection (no headers).
struct RbacRequest {
  // Request headers, names lower case, pseudo-headers included: ":method", ":path" (with its
  // query), ":authority". A name given more than once is seen as its values joined by ','.
  std::vector<std::pair<std::string, std::string>> headers;
  // The URI SAN of the peer's certificate ("spiffe://cluster.local/ns/x/sa/y"); nullopt for a
  // connection without a client certificate (plaintext).
  std::optional<std::string> peer_uri;
  // Addresses without port; empty when not known (an IP matcher never matches it).
  std::string direct_remote_ip;  // the connection's peer
  std::string remote_ip;         // the client as X-Forwarded-For tells it
  std::string destination_ip;    // the local address the connection came in on
  uint32_t destination_port = 0;
  std::string requested_server_name;  // SNI; empty when none
  // Dynamic metadata of earlier filters, e.g. jwt_authn's verified payload.
  envoy::config::core::v3::Metadata dynamic_metadata;
};

class UnsupportedMatcher : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

bool matches(const envoy::config::rbac::v3::Permission& permission, const RbacRequest& request);
bool matches(const envoy::config::rbac::v3::Principal& principal, const RbacRequest& request);
// A policy matches when one of its permissions and one of its principals do.
bool matches(const envoy::config::rbac::v3::Policy& policy, const RbacRequest& request);

// One RBAC engine (a filter's `rules` or `shadow_rules`) on one request.
struct RbacEngineResult {
  // The first matching policy in name order, as Envoy reports it (effective policy id).
  std::optional<std::string> matched;
  // ALLOW: some policy matched; DENY: none did; LOG: always.
  bool allowed = true;
};

RbacEngineResult evaluate(const envoy::config::rbac::v3::RBAC& rbac, const RbacRequest& request);

// Puts a verified JWT's payload (a JSON object) where jwt_authn leaves it for authorization
// (rbac_matchers.h: kJwtAuthnFilter, kJwtPayloadKey). False when the text is not a JSON object.
bool set_jwt_payload(std::string_view payload_json, RbacRequest* request);

}  // namespace jib::xds::authz
