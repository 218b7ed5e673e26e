// CA signing throughput: the signing path alone (Authority::sign_workload, and with the CSR
// checks in front) and end to end (CreateCertificate over gRPC with TLS against an in-process
// CaServer, local-JWT authentication included), for ECDSA P-256 and RSA 2048 CA keys.
// Figures only; bench/csr/run.sh sets them beside `openssl speed`.
#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/ossl.h"
#include "ca/authority.h"
#include "ca/ca_server.h"
#include "ca/csr_validator.h"
#include "ca/jwt.h"
#include "ca/root_ca.h"
#include "proto/istio/ca.grpc.pb.h"

namespace jib::ca {
namespace {

using namespace std::chrono_literals;
constexpr const char* kId = "spiffe://cluster.local/ns/bench/sa/client";

// Key kinds by benchmark argument: 0 = ECDSA P-256, 1 = RSA 2048 (CA key and CSR key alike).
const char* kind(int64_t arg) { return arg == 0 ? "ec" : "rsa2048"; }

std::string csr_pem(EVP_PKEY* key) {
  X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_pubkey(req.get(), key);
  X509_REQ_sign(req.get(), key, EVP_sha256());
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::unique_ptr<Authority> make_authority(const char* key_kind) {
  auto clock = std::make_shared<SystemClock>();
  auto a = std::make_unique<Authority>(AuthorityOptions{}, clock);
  std::string error;
  RootCa root = make_self_signed_root(key_kind, "cluster.local", clock->now(), 240h, &error);
  std::string pem = cert_to_pem(root.cert.get());
  a->set_bundle(
      KeyCertBundle::create(key_to_pem(root.key.get()), pem, "", pem, clock->now(), &error));
  return a;
}

void BM_Sign(benchmark::State& state) {
  auto authority = make_authority(kind(state.range(0)));
  auto key = generate_key(kind(state.range(0)));
  std::vector<std::string> chain;
  for (auto _ : state) {
    if (!authority->sign_workload(key.get(), kId, 24h, &chain).ok()) state.SkipWithError("sign");
    benchmark::DoNotOptimize(chain);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) == 0 ? "ecdsa-p256" : "rsa2048");
}
BENCHMARK(BM_Sign)->Arg(0)->Arg(1)->MinTime(2);

// As BM_Sign, from the public key as a parsed CSR carries it: what CsrService signs with.
void BM_SignFromCsrKey(benchmark::State& state) {
  auto authority = make_authority(kind(state.range(0)));
  auto key = generate_key(kind(state.range(0)));
  ValidatedCsr v;
  if (!validate_csr(csr_pem(key.get()), kId, &v).ok()) state.SkipWithError("validate");
  const X509_PUBKEY* spki = X509_REQ_get_X509_PUBKEY(v.req.get());
  std::vector<std::string> chain;
  for (auto _ : state) {
    if (!authority->sign_workload(spki, kId, 24h, &chain).ok()) state.SkipWithError("sign");
    benchmark::DoNotOptimize(chain);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) == 0 ? "ecdsa-p256" : "rsa2048");
}
BENCHMARK(BM_SignFromCsrKey)->Arg(0)->Arg(1)->MinTime(2);

void BM_ValidateAndSign(benchmark::State& state) {
  auto authority = make_authority(kind(state.range(0)));
  auto key = generate_key(kind(state.range(0)));
  std::string csr = csr_pem(key.get());
  std::vector<std::string> chain;
  for (auto _ : state) {
    ValidatedCsr v;
    if (!validate_csr(csr, kId, &v).ok() ||
        !authority->sign_workload(X509_REQ_get_X509_PUBKEY(v.req.get()), kId, 24h, &chain).ok()) {
      state.SkipWithError("validate/sign");
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) == 0 ? "ecdsa-p256" : "rsa2048");
}
BENCHMARK(BM_ValidateAndSign)->Arg(0)->Arg(1)->MinTime(2);

std::string b64_param(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string raw(32, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_free(bn);
  return base64url_encode(raw);
}

// An ES256 service-account token and the JWKS that verifies it.
void make_token(const std::string& dir, std::string* token, std::string* jwks_path) {
  auto key = generate_key("ec");
  nlohmann::json jwks = {{"keys",
                          {{{"kty", "EC"},
                            {"crv", "P-256"},
                            {"x", b64_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_X)},
                            {"y", b64_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y)}}}}};
  *jwks_path = dir + "/jwks.json";
  std::string error;
  write_file_atomic(*jwks_path, jwks.dump(), 0644, &error);
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  nlohmann::json claims = {{"iss", "bench"},
                           {"aud", "istio-ca"},
                           {"sub", "system:serviceaccount:bench:client"},
                           {"exp", now + 3600}};
  std::string input = base64url_encode(nlohmann::json{{"alg", "ES256"}}.dump()) + "." +
                      base64url_encode(claims.dump());
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = 0;
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get());
  auto in = reinterpret_cast<const unsigned char*>(input.data());
  EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size());
  std::string der(len, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len, in, input.size());
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  *token = input + "." + base64url_encode(raw);
}

// One CA server per key kind, shared by the benchmark's threads.
struct EndToEnd {
  std::string dir;
  std::unique_ptr<CaServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::string token;
  std::vector<std::string> csrs;
  std::atomic<size_t> next{0};

  explicit EndToEnd(const char* key_kind) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "jib-bench-csr-XXXXXX").string();
    dir = mkdtemp(tmpl.data());
    CaServerOptions o;
    o.listen_address = "127.0.0.1";
    o.port = 0;
    o.state_dir = dir + "/state";
    o.root_key_type = key_kind;
    o.extra_serving_sans = {"127.0.0.1"};
    o.jwt_issuer = "bench";
    make_token(dir, &token, &o.jwt_jwks_file);
    std::string error;
    server = CaServer::create(o, &error);
    if (!server) {
      std::fprintf(stderr, "CaServer: %s\n", error.c_str());
      std::abort();
    }
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = server->trust_bundle()->concatenated();
    channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server->port()),
                                  grpc::SslCredentials(tls));
    for (int i = 0; i < 32; ++i) csrs.push_back(csr_pem(generate_key(key_kind).get()));
  }
  ~EndToEnd() {
    server->shutdown();
    std::filesystem::remove_all(dir);
  }
};

EndToEnd* e2e(int64_t arg) {
  static std::unique_ptr<EndToEnd> instances[2];
  static std::once_flag once[2];
  std::call_once(once[arg], [arg] { instances[arg] = std::make_unique<EndToEnd>(kind(arg)); });
  return instances[arg].get();
}

void BM_EndToEndGrpcTls(benchmark::State& state) {
  EndToEnd* env = e2e(state.range(0));
  auto stub = istio::v1::auth::IstioCertificateService::NewStub(env->channel);
  for (auto _ : state) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + env->token);
    istio::v1::auth::IstioCertificateRequest req;
    req.set_csr(env->csrs[env->next++ % env->csrs.size()]);
    istio::v1::auth::IstioCertificateResponse resp;
    grpc::Status st = stub->CreateCertificate(&ctx, req, &resp);
    if (!st.ok()) state.SkipWithError(st.error_message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) == 0 ? "ecdsa-p256" : "rsa2048");
}
BENCHMARK(BM_EndToEndGrpcTls)->Arg(0)->Arg(1)->Threads(1)->Threads(4)->UseRealTime()->MinTime(3);

}  // namespace
}  // namespace jib::ca

BENCHMARK_MAIN();
