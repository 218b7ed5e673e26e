#include "mesh/api/decode_policy_target.h"

namespace jib::mesh::detail {
namespace {

void decode_jwt_header(Decoder& d, const YAML::Node& node, const std::string& path,
                       JWTHeader& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "name") return d.str(v, p, out.name);
    if (key == "prefix") return d.str(v, p, out.prefix);
    return false;
  });
}

void decode_claim_to_header(Decoder& d, const YAML::Node& node, const std::string& path,
                            ClaimToHeader& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "header") return d.str(v, p, out.header);
    if (key == "claim") return d.str(v, p, out.claim);
    return false;
  });
}

void decode_jwt_rule(Decoder& d, const YAML::Node& node, const std::string& path, JWTRule& out) {
  // A copy, not an assignment: assigning a yaml-cpp node rewrites the node it refers to.
  std::optional<YAML::Node> jwks_uri_node;
  int jwks_uri_spellings = 0;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "issuer") return d.str(v, p, out.issuer);
    if (key == "audiences") return d.strings(v, p, out.audiences);
    // jwks_uri is the proto field name, which Istio's CRD still accepts.
    if (key == "jwksUri" || key == "jwks_uri") {
      ++jwks_uri_spellings;
      jwks_uri_node.emplace(v);
      return d.str(v, p, out.jwks_uri);
    }
    if (key == "jwks") return d.str(v, p, out.jwks);
    if (key == "fromHeaders")
      return d.list(v, p, out.from_headers,
                    [&](auto& n, auto& ip, auto& h) { decode_jwt_header(d, n, ip, h); });
    if (key == "fromParams") return d.strings(v, p, out.from_params);
    if (key == "fromCookies") return d.strings(v, p, out.from_cookies);
    if (key == "outputPayloadToHeader") return d.str(v, p, out.output_payload_to_header);
    if (key == "forwardOriginalToken") return d.boolean(v, p, out.forward_original_token);
    if (key == "outputClaimToHeaders")
      return d.list(v, p, out.output_claim_to_headers,
                    [&](auto& n, auto& ip, auto& c) { decode_claim_to_header(d, n, ip, c); });
    if (key == "timeout") return d.duration(v, p, out.timeout);
    return false;
  });
  if (jwks_uri_spellings > 1) {
    d.error(*jwks_uri_node, join(path, "jwksUri"), "set both as jwksUri and as jwks_uri");
  }
}

}  // namespace

void decode_request_authentication(Decoder& d, const YAML::Node& spec, RequestAuthentication& out) {
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (decode_policy_scope_field(d, key, v, p, out.scope)) return true;
    if (key == "jwtRules")
      return d.list(v, p, out.jwt_rules,
                    [&](auto& n, auto& ip, auto& r) { decode_jwt_rule(d, n, ip, r); });
    return false;
  });
}

}  // namespace jib::mesh::detail
