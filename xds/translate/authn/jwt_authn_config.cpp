// Compiled as C++17 (see the header).
#include "xds/translate/authn/jwt_authn_config.h"

#include "envoy/extensions/filters/http/jwt_authn/v3/config.pb.h"

namespace jib::xds::authn {
namespace {

namespace jwt = envoy::extensions::filters::http::jwt_authn::v3;

void fill_provider(const JwtProviderSpec& spec, jwt::JwtProvider* provider) {
  provider->set_issuer(spec.issuer);
  for (const auto& audience : spec.audiences) provider->add_audiences(audience);
  provider->mutable_local_jwks()->set_inline_string(spec.local_jwks);
  for (const auto& location : spec.from_headers) {
    auto* header = provider->add_from_headers();
    header->set_name(location.name);
    header->set_value_prefix(location.value_prefix);
  }
  for (const auto& param : spec.from_params) provider->add_from_params(param);
  for (const auto& cookie : spec.from_cookies) provider->add_from_cookies(cookie);
  provider->set_forward_payload_header(spec.forward_payload_header);
  provider->set_forward(spec.forward);
  for (const auto& claim : spec.claim_to_headers) {
    auto* out = provider->add_claim_to_headers();
    out->set_header_name(claim.header);
    out->set_claim_name(claim.claim);
  }
  provider->set_payload_in_metadata(spec.payload_in_metadata);
  if (!spec.space_delimited_claims.empty()) {
    auto* normalize = provider->mutable_normalize_payload_in_metadata();
    for (const auto& claim : spec.space_delimited_claims) {
      normalize->add_space_delimited_claims(claim);
    }
  }
}

jwt::JwtRequirement provider_requirement(const std::string& name) {
  jwt::JwtRequirement out;
  out.set_provider_name(name);
  return out;
}

// {provider OR no token}: a token, when present, must be one this provider verifies.
jwt::JwtRequirement provider_or_missing(const std::string& name) {
  jwt::JwtRequirement out;
  auto* any = out.mutable_requires_any();
  *any->add_requirements() = provider_requirement(name);
  any->add_requirements()->mutable_allow_missing();
  return out;
}

}  // namespace

google::protobuf::Any jwt_authentication(const std::vector<JwtProviderSpec>& providers) {
  jwt::JwtAuthentication config;
  jwt::JwtRequirement all_or_missing;
  jwt::JwtRequirement any_provider;
  for (size_t i = 0; i < providers.size(); ++i) {
    const std::string name = "origins-" + std::to_string(i);
    fill_provider(providers[i], &(*config.mutable_providers())[name]);
    *all_or_missing.mutable_requires_all()->add_requirements() = provider_or_missing(name);
    *any_provider.mutable_requires_any()->add_requirements() = provider_requirement(name);
  }
  auto* rule = config.add_rules();
  rule->mutable_match()->set_prefix("/");
  if (providers.size() == 1) {
    *rule->mutable_requires() = provider_or_missing("origins-0");
  } else if (!providers.empty()) {
    // Istio's OR {P1, ..., Pn, AND {OR {P1, missing}, ..., OR {Pn, missing}}}: the AND makes
    // every token present valid; the single providers let through a token that one provider
    // verifies where several share its location (the AND alone would fail it).
    *any_provider.mutable_requires_any()->add_requirements() = std::move(all_or_missing);
    *rule->mutable_requires() = std::move(any_provider);
  }
  config.set_bypass_cors_preflight(true);
  google::protobuf::Any out;
  out.PackFrom(config);
  return out;
}

}  // namespace jib::xds::authn
