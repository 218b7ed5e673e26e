// Authenticates a caller by its TLS client certificate: a valid, unexpired SVID of this mesh,
// so that workloads renew with the certificate they already hold.
#pragma once

#include <string>

#include "base/clock.h"
#include "ca/authenticator.h"
#include "ca/trust_bundle.h"

namespace jib::ca {

// Verifies the peer chain against the current roots of `bundles` (old roots during a rotation
// included) for client authentication, then takes the one SPIFFE URI SAN of `trust_domain`.
AuthenticatorPtr make_client_cert_authenticator(std::string trust_domain,
                                                const TrustBundlePublisher* bundles,
                                                ClockPtr clock);

}  // namespace jib::ca
