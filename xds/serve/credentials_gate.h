// Whether the SDS output of one generation for a proxy carries the private keys of its
// namespace's gateway credentials. Asked again at every SDS generation (the authorizer caches),
// as istiod authorizes at every generation, so that revoking the permission takes effect at the
// next push without a reconnect. Apart from gRPC, so that tests drive it directly.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "base/metrics.h"
#include "xds/protocol/sotw_watch.h"
#include "xds/serve/credentials_authorizer.h"
#include "xds/translate/proxy.h"

namespace jib::xds {

class CredentialsGate {
 public:
  // `refused` counts refusals (pilot_sds_certificate_errors_total); both outlive the gate.
  CredentialsGate(CredentialsAuthorizer& authorizer, metrics::Counter& refused)
      : authorizer_(authorizer), refused_(refused) {}

  // True when `proxy` may get the keys this generation. The authorizer is asked only for a
  // router whose identity the secure port verified and whose SDS watch asks for a key (a
  // credential's name, or everything): the trust bundle and `-cacert` roots are public.
  // A refusal is counted each time and logged once per caller and namespace (again only after
  // the caller was allowed in between).
  bool allows(const Proxy& proxy, const SotwWatch& secrets);

 private:
  CredentialsAuthorizer& authorizer_;
  metrics::Counter& refused_;
  std::mutex mutex_;
  std::set<std::pair<std::string, std::string>> logged_;  // (namespace, service account)
};

// Whether an SDS watch asks for a private key: a `kubernetes://` name other than a `-cacert`
// one, or a wildcard.
bool wants_credential_keys(const SotwWatch& secrets);

}  // namespace jib::xds
