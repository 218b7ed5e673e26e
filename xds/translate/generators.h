// xDS generators: pure functions of (snapshot, proxy). Each type has its own file.
#pragma once

#include "mesh/model/snapshot.h"
#include "xds/translate/proxy.h"
#include "xds/translate/resources.h"
#include "xds/translate/type_urls.h"

namespace jib::xds {

ResourcesPtr generate_clusters(const mesh::Snapshot& snapshot, const Proxy& proxy);
ResourcesPtr generate_endpoints(const mesh::Snapshot& snapshot, const Proxy& proxy);
ResourcesPtr generate_listeners(const mesh::Snapshot& snapshot, const Proxy& proxy);
ResourcesPtr generate_routes(const mesh::Snapshot& snapshot, const Proxy& proxy);
// SDS over ADS: `ROOTCA` (the mesh trust bundle) for every proxy; for gateways whose identity
// was verified also the TLS credentials (`kubernetes://<secret>`, `kubernetes://<secret>-cacert`)
// of Secrets in their own namespace, and never another namespace's.
ResourcesPtr generate_secrets(const mesh::Snapshot& snapshot, const Proxy& proxy);

// Dispatches on type.
ResourcesPtr generate(ResourceType type, const mesh::Snapshot& snapshot, const Proxy& proxy);

}  // namespace jib::xds
