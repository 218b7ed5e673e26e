// The CA as jibd runs it: CA material (self-signed or plugged-in), authenticators, the
// IstioCertificateService on its own TLS gRPC server (15012), root rotation and serving
// certificate renewal on a background thread. cmd/jibd owns flags and lifetime; this is the
// whole entry point it needs.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/impl/service_type.h>
#include <grpcpp/security/server_credentials.h>

#include "base/clock.h"
#include "ca/authenticator.h"
#include "ca/ca_status.h"
#include "ca/ca_store.h"
#include "ca/token_reviewer.h"
#include "ca/trust_bundle.h"

namespace jib::ca {

struct CaServerOptions {
  std::string listen_address = "0.0.0.0";
  int port = 15012;  // 0 picks a free port; see CaServer::port()
  // False: start no gRPC server; the caller registers grpc_service() on its own server (e.g.
  // beside secure xDS on 15012, as istiod does) with tls_credentials().
  bool own_server = true;
  std::string trust_domain = "cluster.local";

  // Self-signed mode keeps its root here; the serving certificate lives here in both modes.
  std::string state_dir = "/var/lib/jib/ca";
  // Plugged-in mode when set: a directory in Istio's cacerts layout.
  std::string cacerts_dir;
  std::string root_key_type = "ec";  // self-signed root key: ec, ec384, rsa2048, rsa4096
  std::chrono::seconds root_ttl{std::chrono::hours(24 * 365 * 10)};
  std::chrono::seconds root_renew_before{std::chrono::hours(24 * 365)};
  // Time for every workload to learn a new root before the first certificate it signed.
  std::chrono::seconds root_trust_lead{std::chrono::minutes(10)};

  std::chrono::seconds default_cert_ttl{std::chrono::hours(24)};
  std::chrono::seconds max_cert_ttl{std::chrono::hours(24 * 90)};
  // How often rotation and serving-certificate renewal are checked.
  std::chrono::seconds check_interval{std::chrono::seconds(60)};

  std::vector<std::string> serving_sans = {"istiod.istio-system.svc",
                                           "istiod.istio-system.svc.cluster.local",
                                           "istiod.istio-system", "istiod"};
  std::vector<std::string> extra_serving_sans;  // e.g. localhost,127.0.0.1 for tests
  std::chrono::seconds serving_cert_ttl{std::chrono::hours(24)};

  // Authenticators, tried in this order; each is enabled by its settings.
  std::string token_audience = "istio-ca";
  std::string token_review_url;  // TokenReview when set
  std::string token_review_token_file;
  std::string token_review_ca_file;
  std::chrono::seconds token_review_cache_ttl{30};
  std::string jwt_issuer;  // local JWT when both are set
  std::string jwt_jwks_file;
  bool client_cert_auth = true;

  ClockPtr clock;  // null: the system clock

  // Seams for jibd on Kubernetes (k8s/kube_ca.h). make_ca_store: where the self-signed root is
  // persisted (null: files in state_dir). token_reviewer: reviews tokens instead of an HTTP
  // reviewer for token_review_url.
  std::function<CaStorePtr()> make_ca_store;
  TokenReviewerPtr token_reviewer;
};

class CaServer {
 public:
  // Sets everything up and starts serving. Null with *error when the CA material cannot be
  // loaded or made, an authenticator is misconfigured, or the port cannot be bound.
  static std::unique_ptr<CaServer> create(const CaServerOptions& options, std::string* error);
  virtual ~CaServer() = default;

  // The bound port (the chosen one when options.port was 0); -1 without own_server.
  virtual int port() const = 0;
  // The IstioCertificateService, for registering on a server the caller owns. Lives as long
  // as this CaServer.
  virtual grpc::Service* grpc_service() = 0;
  // TLS server credentials with the CA's renewing serving certificate; client certificates are
  // requested but optional (checked by the client-cert authenticator).
  virtual std::shared_ptr<grpc::ServerCredentials> tls_credentials() const = 0;
  // The roots workloads should trust; changes at root rotation.
  virtual std::shared_ptr<const TrustBundle> trust_bundle() const = 0;
  // Follows trust bundle changes (called at once with the current bundle); for the xDS
  // snapshot. Callbacks run on the rotation thread and must be quick.
  virtual TrustBundlePublisher& trust_bundles() = 0;
  // Authenticates a caller with the same authenticators as CSRs (secure xDS uses it).
  virtual CaStatus authenticate(const AuthRequest& request, ServiceAccount* caller) const = 0;
  // Runs one rotation/renewal check now (tests, signals). Thread-safe.
  virtual bool check_now(std::string* error) = 0;
  // Stops serving and the background thread; idempotent. Also run by the destructor.
  virtual void shutdown() = 0;
};

}  // namespace jib::ca
