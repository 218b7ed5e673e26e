// --ca-* flags for CaServerOptions, so that jibd and the CA test server share one spelling.
#pragma once

#include "base/flags.h"
#include "ca/ca_server.h"

namespace jib::ca {

// Adds every --ca-* flag, bound to *options (whose values are the usage's defaults). Durations
// take Istio's syntax ("24h", "90m"), "d" for days, and a bare number of seconds as before.
void add_ca_flags(flags::FlagSet& set, CaServerOptions* options);

}  // namespace jib::ca
