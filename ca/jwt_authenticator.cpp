#include "ca/jwt_authenticator.h"

#include "ca/jwt.h"

namespace jib::ca {
namespace {

bool audience_matches(const nlohmann::json& aud, const std::string& want) {
  if (aud.is_string()) return aud.get<std::string>() == want;
  if (!aud.is_array()) return false;
  for (const auto& a : aud) {
    if (a.is_string() && a.get<std::string>() == want) return true;
  }
  return false;
}

// Service accounts appear as sub "system:serviceaccount:<ns>:<sa>"; projected tokens also
// carry {"kubernetes.io": {"namespace": ..., "serviceaccount": {"name": ...}}}.
std::optional<ServiceAccount> identity_from_claims(const nlohmann::json& claims) {
  if (auto it = claims.find("sub"); it != claims.end() && it->is_string()) {
    if (auto sa = parse_k8s_username(it->get<std::string>())) return sa;
  }
  auto k8s = claims.find("kubernetes.io");
  if (k8s == claims.end() || !k8s->is_object()) return std::nullopt;
  auto ns = k8s->find("namespace");
  auto sa = k8s->find("serviceaccount");
  if (ns == k8s->end() || !ns->is_string() || sa == k8s->end() || !sa->is_object()) {
    return std::nullopt;
  }
  auto name = sa->find("name");
  if (name == sa->end() || !name->is_string()) return std::nullopt;
  ServiceAccount out{ns->get<std::string>(), name->get<std::string>()};
  if (!is_valid_k8s_name(out.ns) || !is_valid_k8s_name(out.name)) return std::nullopt;
  return out;
}

class JwtAuthenticator final : public Authenticator {
 public:
  JwtAuthenticator(JwtAuthenticatorOptions options, std::vector<Jwk> keys, ClockPtr clock)
      : options_(std::move(options)), keys_(std::move(keys)), clock_(std::move(clock)) {}

  std::string name() const override { return "jwt"; }

  AuthResult authenticate(const AuthRequest& request) override {
    if (!request.bearer_token) return AuthResult::NotApplicable();
    nlohmann::json claims;
    std::string error;
    if (!verify_jws(*request.bearer_token, keys_, &claims, &error)) {
      return AuthResult::Denied(error);
    }
    std::string iss = claims.value("iss", "");
    if (iss != options_.issuer) {
      return AuthResult::Denied("token issuer \"" + iss + "\" is not the trusted issuer \"" +
                                options_.issuer + "\"");
    }
    if (!claims.contains("aud") || !audience_matches(claims["aud"], options_.audience)) {
      return AuthResult::Denied("token audience does not include \"" + options_.audience + "\"");
    }
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(clock_->now().time_since_epoch()).count();
    const int64_t leeway = options_.leeway.count();
    auto exp = claims.find("exp");
    if (exp == claims.end() || !exp->is_number()) return AuthResult::Denied("token has no exp");
    if (exp->get<int64_t>() + leeway <= now) return AuthResult::Denied("token has expired");
    if (auto nbf = claims.find("nbf"); nbf != claims.end()) {
      if (!nbf->is_number() || nbf->get<int64_t>() - leeway > now) {
        return AuthResult::Denied("token is not valid yet (nbf)");
      }
    }
    auto sa = identity_from_claims(claims);
    if (!sa) return AuthResult::Denied("token does not name a Kubernetes service account");
    return AuthResult::Accepted(*sa);
  }

 private:
  JwtAuthenticatorOptions options_;
  std::vector<Jwk> keys_;
  ClockPtr clock_;
};

}  // namespace

AuthenticatorPtr make_jwt_authenticator(JwtAuthenticatorOptions options, std::string_view jwks_json,
                                        ClockPtr clock, std::string* error) {
  if (options.issuer.empty()) {
    *error = "JWT authenticator needs an issuer";
    return nullptr;
  }
  std::vector<Jwk> keys;
  if (!parse_jwks(jwks_json, &keys, error)) return nullptr;
  return std::make_unique<JwtAuthenticator>(std::move(options), std::move(keys), std::move(clock));
}

}  // namespace jib::ca
