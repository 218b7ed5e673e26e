#include "ca/jwt.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

namespace jib::ca {
namespace {

using EncodeCtxPtr = std::unique_ptr<EVP_ENCODE_CTX, OsslDeleter<EVP_ENCODE_CTX_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, OsslDeleter<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, OsslDeleter<OSSL_PARAM_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OsslDeleter<ECDSA_SIG_free>>;

bool b64_field(const nlohmann::json& j, const char* name, std::string* out) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() && base64url_decode(it->get<std::string>(), out);
}

PkeyPtr pkey_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    ERR_clear_error();
    return nullptr;
  }
  return PkeyPtr(key);
}

PkeyPtr rsa_from_jwk(const nlohmann::json& j) {
  std::string n, e;
  if (!b64_field(j, "n", &n) || !b64_field(j, "e", &e)) return nullptr;
  auto u = [](const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); };
  BnPtr bn_n(BN_bin2bn(u(n), static_cast<int>(n.size()), nullptr));
  BnPtr bn_e(BN_bin2bn(u(e), static_cast<int>(e.size()), nullptr));
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
    return nullptr;
  }
  return pkey_from_params("RSA", bld.get());
}

PkeyPtr p256_from_jwk(const nlohmann::json& j) {
  std::string x, y;
  if (j.value("crv", "") != "P-256" || !b64_field(j, "x", &x) || !b64_field(j, "y", &y) ||
      x.size() > 32 || y.size() > 32) {
    return nullptr;
  }
  // Uncompressed SEC1 point: 0x04 || X || Y, each coordinate left-padded to 32 bytes.
  std::string point(1, '\x04');
  point += std::string(32 - x.size(), '\0') + x + std::string(32 - y.size(), '\0') + y;
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size())) {
    return nullptr;
  }
  return pkey_from_params("EC", bld.get());
}

// JWS ES256 signatures are R || S (32 bytes each); OpenSSL verifies DER ECDSA-Sig-Value.
bool es256_to_der(const std::string& raw, std::string* der) {
  if (raw.size() != 64) return false;
  auto u = reinterpret_cast<const unsigned char*>(raw.data());
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(u, 32, nullptr);
  BIGNUM* s = BN_bin2bn(u + 32, 32, nullptr);
  if (!sig || !r || !s || !ECDSA_SIG_set0(sig.get(), r, s)) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  unsigned char* out = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &out);
  if (len <= 0) return false;
  der->assign(reinterpret_cast<char*>(out), static_cast<size_t>(len));
  OPENSSL_free(out);
  return true;
}

bool verify_with(EVP_PKEY* key, std::string_view input, const std::string& sig) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  ERR_clear_error();
  return ok;
}

bool split_jws(std::string_view token, std::string_view parts[3]) {
  size_t a = token.find('.');
  if (a == std::string_view::npos) return false;
  size_t b = token.find('.', a + 1);
  if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos) return false;
  parts[0] = token.substr(0, a);
  parts[1] = token.substr(a + 1, b - a - 1);
  parts[2] = token.substr(b + 1);
  return true;
}

bool decode_json(std::string_view b64, nlohmann::json* out) {
  std::string raw;
  if (!base64url_decode(b64, &raw)) return false;
  *out = nlohmann::json::parse(raw, nullptr, /*allow_exceptions=*/false);
  return out->is_object();
}

}  // namespace

bool base64url_decode(std::string_view in, std::string* out) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string std64;
  std64.reserve(in.size() + 3);
  for (char c : in) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (plain)
      std64 += c;
    else if (c == '-')
      std64 += '+';
    else if (c == '_')
      std64 += '/';
    else
      return false;  // the OpenSSL decoder skips whitespace; a token must not contain any
  }
  if (std64.size() % 4 == 1) return false;
  while (std64.size() % 4 != 0) std64 += '=';
  EncodeCtxPtr ctx(EVP_ENCODE_CTX_new());
  out->assign(std64.size() / 4 * 3 + 3, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out->data());
  int n = 0, tail = 0;
  EVP_DecodeInit(ctx.get());
  if (EVP_DecodeUpdate(ctx.get(), dst, &n, reinterpret_cast<const unsigned char*>(std64.data()),
                       static_cast<int>(std64.size())) < 0 ||
      EVP_DecodeFinal(ctx.get(), dst + n, &tail) < 0) {
    return false;
  }
  out->resize(static_cast<size_t>(n + tail));
  return true;
}

std::string base64url_encode(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+')
      c = '-';
    else if (c == '/')
      c = '_';
  }
  return out;
}

bool parse_jwks(std::string_view json, std::vector<Jwk>* keys, std::string* error) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    *error = "not a JWKS document (no \"keys\" array)";
    return false;
  }
  for (const auto& k : doc["keys"]) {
    if (!k.is_object()) continue;
    Jwk jwk;
    jwk.kid = k.value("kid", "");
    std::string kty = k.value("kty", "");
    if (kty == "RSA") {
      jwk.alg = "RS256";
      jwk.key = rsa_from_jwk(k);
    } else if (kty == "EC") {
      jwk.alg = "ES256";
      jwk.key = p256_from_jwk(k);
    }
    if (k.contains("alg") && k["alg"].is_string() && k["alg"] != jwk.alg) continue;
    if (jwk.key) keys->push_back(std::move(jwk));
  }
  if (keys->empty()) {
    *error = "JWKS holds no RS256 or ES256 key";
    return false;
  }
  return true;
}

bool peek_jwt_claims(std::string_view token, nlohmann::json* claims) {
  std::string_view parts[3];
  return split_jws(token, parts) && decode_json(parts[1], claims);
}

bool verify_jws(std::string_view token, const std::vector<Jwk>& keys, nlohmann::json* claims,
                std::string* error) {
  std::string_view parts[3];
  nlohmann::json header;
  if (!split_jws(token, parts) || !decode_json(parts[0], &header)) {
    *error = "token is not a JWT";
    return false;
  }
  std::string alg = header.value("alg", "");
  if (alg != "RS256" && alg != "ES256") {
    *error = "token algorithm \"" + alg + "\" is not accepted (RS256 or ES256)";
    return false;
  }
  std::string sig;
  if (!base64url_decode(parts[2], &sig) || (alg == "ES256" && !es256_to_der(sig, &sig))) {
    *error = "token signature is malformed";
    return false;
  }
  std::string kid = header.value("kid", "");
  bool kid_known = false;
  for (const auto& k : keys) kid_known |= !kid.empty() && k.kid == kid;
  std::string_view input = token.substr(0, parts[0].size() + 1 + parts[1].size());
  for (const auto& k : keys) {
    if (k.alg != alg || (kid_known && k.kid != kid)) continue;
    if (verify_with(k.key.get(), input, sig)) {
      if (!decode_json(parts[1], claims)) {
        *error = "token claims are not a JSON object";
        return false;
      }
      return true;
    }
  }
  *error = "token signature does not verify with any configured key";
  return false;
}

}  // namespace jib::ca
