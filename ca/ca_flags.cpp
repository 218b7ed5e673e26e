#include "ca/ca_flags.h"

namespace jib::ca {

void add_ca_flags(flags::FlagSet& set, CaServerOptions* o) {
  using flags::Flag;
  const auto seconds = std::chrono::seconds(1);
  set.add({.name = "ca-listen-address",
           .target = &o->listen_address,
           .help = "address the CA (and secure xDS) binds",
           .value_name = "ADDR"})
      .add({.name = "ca-port",
            .target = &o->port,
            .help = "CA and secure xDS TLS port; 0 picks a free one"})
      .add({.name = "ca-trust-domain", .target = &o->trust_domain, .help = "SPIFFE trust domain"})
      .add({.name = "ca-state-dir",
            .target = &o->state_dir,
            .help = "directory for the self-signed root and serving certificate",
            .value_name = "DIR"})
      .add({.name = "ca-cacerts-dir",
            .target = &o->cacerts_dir,
            .help = "plugged-in CA directory (ca-cert.pem, ca-key.pem, root-cert.pem, "
                    "cert-chain.pem); self-signed when empty",
            .value_name = "DIR"})
      .add({.name = "ca-root-key-type",
            .target = &o->root_key_type,
            .help = "self-signed root key",
            .choices = {"ec", "ec384", "rsa2048", "rsa3072", "rsa4096"}})
      .add({.name = "ca-root-ttl",
            .target = &o->root_ttl,
            .help = "lifetime of a self-signed root",
            .bare_unit = seconds})
      .add({.name = "ca-root-renew-before",
            .target = &o->root_renew_before,
            .help = "renew the self-signed root when it has less than this left",
            .bare_unit = seconds})
      .add({.name = "ca-root-trust-lead",
            .target = &o->root_trust_lead,
            .help = "how long a new self-signed root is trusted before it signs",
            .bare_unit = seconds})
      .add({.name = "ca-default-cert-ttl",
            .target = &o->default_cert_ttl,
            .help = "workload certificate lifetime when none is asked",
            .bare_unit = seconds})
      .add({.name = "ca-max-cert-ttl",
            .target = &o->max_cert_ttl,
            .help = "longest workload certificate lifetime granted",
            .bare_unit = seconds})
      .add({.name = "ca-check-interval",
            .target = &o->check_interval,
            .help = "how often rotation and renewal are checked",
            .bare_unit = seconds})
      .add({.name = "ca-serving-sans",
            .target = &o->serving_sans,
            .help = "replaces the serving certificate's DNS names"})
      .add({.name = "ca-extra-serving-sans",
            .target = &o->extra_serving_sans,
            .help = "more serving certificate DNS names or IPs, e.g. localhost,127.0.0.1"})
      .add({.name = "ca-serving-cert-ttl",
            .target = &o->serving_cert_ttl,
            .help = "serving certificate lifetime",
            .bare_unit = seconds})
      .add({.name = "ca-token-audience",
            .target = &o->token_audience,
            .help = "audience required of bearer tokens"})
      .add({.name = "ca-token-review-url",
            .target = &o->token_review_url,
            .help = "TokenReview URL; enables the TokenReview authenticator",
            .value_name = "URL"})
      .add({.name = "ca-token-review-token-file",
            .target = &o->token_review_token_file,
            .help = "bearer token file for TokenReview calls",
            .value_name = "FILE"})
      .add({.name = "ca-token-review-ca-file",
            .target = &o->token_review_ca_file,
            .help = "PEM roots for the TokenReview server",
            .value_name = "FILE"})
      .add({.name = "ca-token-review-cache-ttl",
            .target = &o->token_review_cache_ttl,
            .help = "how long accepted reviews are reused",
            .bare_unit = seconds})
      .add({.name = "ca-jwt-issuer",
            .target = &o->jwt_issuer,
            .help = "issuer of locally verified JWTs; enables the JWT authenticator"})
      .add({.name = "ca-jwt-jwks-file",
            .target = &o->jwt_jwks_file,
            .help = "JWKS file for locally verified JWTs",
            .value_name = "FILE"})
      .add({.name = "ca-client-cert-auth",
            .target = &o->client_cert_auth,
            .help = "accept mesh SVID client certificates for renewal"});
}

}  // namespace jib::ca
