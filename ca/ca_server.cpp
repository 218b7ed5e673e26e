#include "ca/ca_server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <condition_variable>
#include <thread>

#include "base/log.h"
#include "base/ossl.h"
#include "ca/ca_material.h"
#include "ca/client_cert_authenticator.h"
#include "ca/grpc_service.h"
#include "ca/jwt_authenticator.h"
#include "ca/serving_cert.h"
#include "ca/token_review_authenticator.h"

namespace jib::ca {
namespace {

class CaServerImpl final : public CaServer {
 public:
  explicit CaServerImpl(const CaServerOptions& o)
      : options_(o),
        clock_(o.clock ? o.clock : std::make_shared<SystemClock>()),
        authority_(AuthorityOptions{o.default_cert_ttl, o.max_cert_ttl, std::chrono::minutes(2)},
                   clock_) {}
  ~CaServerImpl() override { shutdown(); }

  bool start(std::string* error) {
    if (!init_material(error) || !init_service(error)) return false;
    std::vector<std::string> sans = options_.serving_sans;
    sans.insert(sans.end(), options_.extra_serving_sans.begin(), options_.extra_serving_sans.end());
    serving_ = std::make_unique<ServingCert>(options_.state_dir + "/serving", sans,
                                             options_.serving_cert_ttl, &authority_, clock_);
    if (!serving_->renew_if_needed(error)) return false;
    if (options_.own_server && !start_grpc(error)) return false;
    thread_ = std::thread([this] { run_checks(); });
    return true;
  }

  int port() const override { return options_.own_server ? port_ : -1; }
  grpc::Service* grpc_service() override { return grpc_service_.get(); }
  std::shared_ptr<grpc::ServerCredentials> tls_credentials() const override {
    auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
        serving_->key_path(), serving_->chain_path(), 1);
    grpc::experimental::TlsServerCredentialsOptions tls(provider);
    tls.watch_identity_key_cert_pairs();
    // Client certificates are optional (tokens are the other way in) and checked by the
    // client-cert authenticator against the live trust bundle, not by the TLS layer.
    tls.set_cert_request_type(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
    return grpc::experimental::TlsServerCredentials(tls);
  }
  std::shared_ptr<const TrustBundle> trust_bundle() const override { return bundles_.current(); }
  TrustBundlePublisher& trust_bundles() override { return bundles_; }
  CaStatus authenticate(const AuthRequest& request, ServiceAccount* caller) const override {
    return csr_->authenticate(request, caller);
  }

  bool check_now(std::string* error) override {
    std::lock_guard lock(check_mu_);
    if (self_signed_ && !self_signed_->check(error)) return false;
    return serving_->renew_if_needed(error);
  }

  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

 private:
  bool init_material(std::string* error) {
    if (!options_.cacerts_dir.empty()) {
      return load_plugged_ca(options_.cacerts_dir, clock_->now(), &authority_, &bundles_, error);
    }
    SelfSignedOptions so{options_.trust_domain, options_.root_key_type, options_.root_ttl,
                         options_.root_renew_before, options_.root_trust_lead};
    CaStorePtr store =
        options_.make_ca_store ? options_.make_ca_store() : make_file_ca_store(options_.state_dir);
    self_signed_ =
        SelfSignedCa::create(so, std::move(store), clock_, &authority_, &bundles_, error);
    // A root loaded from disk may be close to (or past) expiry: rotate before serving.
    return self_signed_ && self_signed_->check(error);
  }

  bool init_service(std::string* error) {
    std::vector<AuthenticatorPtr> auth;
    if (options_.token_reviewer || !options_.token_review_url.empty()) {
      auto reviewer = options_.token_reviewer
                          ? options_.token_reviewer
                          : make_http_token_reviewer(
                                HttpTokenReviewerOptions{
                                    options_.token_review_url, options_.token_review_token_file,
                                    options_.token_review_ca_file, std::chrono::seconds(5)},
                                error);
      if (!reviewer) return false;
      auth.push_back(make_token_review_authenticator(
          TokenReviewAuthenticatorOptions{options_.token_audience, options_.token_review_cache_ttl,
                                          10000},
          reviewer, clock_));
    }
    if (!options_.jwt_issuer.empty() || !options_.jwt_jwks_file.empty()) {
      std::string jwks;
      if (!read_file(options_.jwt_jwks_file, &jwks, error)) return false;
      auto a = make_jwt_authenticator(
          JwtAuthenticatorOptions{options_.jwt_issuer, options_.token_audience,
                                  std::chrono::seconds(30)},
          jwks, clock_, error);
      if (!a) return false;
      auth.push_back(std::move(a));
    }
    if (options_.client_cert_auth) {
      auth.push_back(make_client_cert_authenticator(options_.trust_domain, &bundles_, clock_));
    }
    if (auth.empty()) {
      *error = "no authenticator configured";
      return false;
    }
    csr_ = std::make_unique<CsrService>(options_.trust_domain, std::move(auth), &authority_);
    grpc_service_ = std::make_unique<IstioCertificateGrpcService>(csr_.get());
    return true;
  }

  bool start_grpc(std::string* error) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort(options_.listen_address + ":" + std::to_string(options_.port),
                             tls_credentials(), &port_);
    builder.RegisterService(grpc_service_.get());
    server_ = builder.BuildAndStart();
    if (!server_ || port_ == 0) {
      *error = "cannot listen on " + options_.listen_address + ":" + std::to_string(options_.port);
      return false;
    }
    log::info("ca", "CA gRPC (TLS) listening on ", options_.listen_address, ":", port_);
    return true;
  }

  void run_checks() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, options_.check_interval, [this] { return stopping_; })) {
      lock.unlock();
      std::string error;
      if (!check_now(&error)) log::error("ca", "rotation check failed: ", error);
      lock.lock();
    }
  }

  CaServerOptions options_;
  ClockPtr clock_;
  Authority authority_;
  TrustBundlePublisher bundles_;
  std::unique_ptr<SelfSignedCa> self_signed_;
  std::unique_ptr<CsrService> csr_;
  std::unique_ptr<IstioCertificateGrpcService> grpc_service_;
  std::unique_ptr<ServingCert> serving_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::mutex check_mu_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<CaServer> CaServer::create(const CaServerOptions& options, std::string* error) {
  auto server = std::make_unique<CaServerImpl>(options);
  if (!server->start(error)) return nullptr;
  return server;
}

}  // namespace jib::ca
