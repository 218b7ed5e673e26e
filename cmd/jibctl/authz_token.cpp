#include "cmd/jibctl/authz_token.h"

#include <algorithm>
#include <chrono>
#include <sstream>

#include "xds/translate/authz/rbac_matchers.h"

namespace jib::ctl {
namespace {

using Outcome = TokenCheck::Outcome;

bool has_audience(const nlohmann::json& claims, const std::vector<std::string>& audiences) {
  if (audiences.empty()) return true;
  const auto aud = claims.find("aud");
  if (aud == claims.end()) return false;
  auto listed = [&](const nlohmann::json& a) {
    return a.is_string() &&
           std::find(audiences.begin(), audiences.end(), a.get<std::string>()) != audiences.end();
  };
  if (aud->is_array()) return std::any_of(aud->begin(), aud->end(), listed);
  return listed(*aud);
}

bool expired(const nlohmann::json& claims) {
  const auto exp = claims.find("exp");
  if (exp == claims.end() || !exp->is_number()) return false;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return exp->get<double>() <= static_cast<double>(now.count());
}

}  // namespace

TokenCheck check_token(const std::vector<const mesh::RequestAuthentication*>& policies,
                       const nlohmann::json& claims, bool invalid) {
  if (claims.is_null() && !invalid) return {Outcome::kNone, ""};
  std::vector<const mesh::JWTRule*> rules;
  for (const auto* policy : policies) {
    for (const auto& rule : policy->jwt_rules) rules.push_back(&rule);
  }
  if (rules.empty()) {
    return {Outcome::kNotRead, "no RequestAuthentication applies: jwt_authn is not in the chain"};
  }
  if (invalid) return {Outcome::kRejected, "the token does not verify"};
  const auto iss = claims.find("iss");
  const std::string issuer = iss != claims.end() && iss->is_string() ? iss->get<std::string>() : "";
  bool issuer_known = false;
  for (const auto* rule : rules) {
    if (rule->issuer != issuer) continue;
    issuer_known = true;
    if (has_audience(claims, rule->audiences)) {
      if (expired(claims)) return {Outcome::kRejected, "the token has expired"};
      return {Outcome::kVerified, "issuer " + issuer};
    }
  }
  if (issuer_known) return {Outcome::kRejected, "no audience of issuer " + issuer + " is in aud"};
  return {Outcome::kRejected, "no JWT rule has issuer \"" + issuer + "\""};
}

void add_verified_payload(const nlohmann::json& claims, xds::authz::RbacRequest* request) {
  nlohmann::json payload = claims;
  for (std::string_view name : xds::authz::kSpaceDelimitedClaims) {
    auto it = payload.find(std::string(name));
    if (it == payload.end() || !it->is_string()) continue;
    std::istringstream words(it->get<std::string>());
    nlohmann::json list = nlohmann::json::array();
    for (std::string word; words >> word;) list.push_back(word);
    *it = std::move(list);
  }
  xds::authz::set_jwt_payload(payload.dump(), request);
}

std::string outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kNotRead:
      return "not_read";
    case Outcome::kVerified:
      return "verified";
    case Outcome::kRejected:
      return "rejected";
    case Outcome::kNone:
      break;
  }
  return "none";
}

}  // namespace jib::ctl
