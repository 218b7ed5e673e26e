#include "mesh/api/jwks.h"

#include <nlohmann/json.hpp>

#include <array>
#include <string_view>

namespace jib::mesh {
namespace {

// The members each key type needs (RFC 7518 section 6, RFC 8037 for OKP).
std::string check_jwk(const nlohmann::json& key) {
  if (!key.is_object()) return "not an object";
  auto kty = key.find("kty");
  if (kty == key.end() || !kty->is_string()) return "\"kty\" (key type) is required";
  struct KeyType {
    std::string_view kty;
    std::array<std::string_view, 3> members;
  };
  static constexpr std::array<KeyType, 4> kTypes = {{
      {"RSA", {"n", "e", ""}},
      {"EC", {"crv", "x", "y"}},
      {"oct", {"k", "", ""}},
      {"OKP", {"crv", "x", ""}},
  }};
  const std::string type = kty->get<std::string>();
  for (const auto& t : kTypes) {
    if (t.kty != type) continue;
    for (auto member : t.members) {
      if (member.empty()) continue;
      auto it = key.find(std::string(member));
      if (it == key.end() || !it->is_string() || it->get<std::string>().empty()) {
        return type + " key needs \"" + std::string(member) + "\"";
      }
    }
    return "";
  }
  return "unsupported key type \"" + type + "\" (expected RSA, EC, oct or OKP)";
}

}  // namespace

std::string check_jwks(const std::string& text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return "not valid JSON";
  if (!doc.is_object()) return "expected a JSON object";
  auto keys = doc.find("keys");
  if (keys == doc.end()) {
    auto reason = check_jwk(doc);
    return reason.empty() ? "" : "not a key set (no \"keys\") nor a key: " + reason;
  }
  if (!keys->is_array() || keys->empty()) return "\"keys\" must be a non-empty list";
  for (size_t i = 0; i < keys->size(); ++i) {
    if (auto reason = check_jwk((*keys)[i]); !reason.empty()) {
      return "keys[" + std::to_string(i) + "]: " + reason;
    }
  }
  return "";
}

std::optional<JwksSource> jwks_source(const JWTRule& rule) {
  if (!rule.jwks.empty()) return std::nullopt;
  if (!rule.jwks_uri.empty()) return JwksSource{rule.jwks_uri, false};
  const std::string_view issuer = rule.issuer;
  if (!issuer.starts_with("https://") && !issuer.starts_with("http://")) return std::nullopt;
  std::string base(issuer);
  while (base.ends_with('/')) base.pop_back();
  return JwksSource{base + "/.well-known/openid-configuration", true};
}

}  // namespace jib::mesh
